import io.jvmhealth.agent.base.AgentInstrumentation;
import io.jvmhealth.agent.health.checks.hang.DumpPacing;
import io.jvmhealth.agent.health.checks.hang.ThreadInternals;
import io.jvmhealth.agent.health.checks.hang.VirtualDeadlocks;
import io.jvmhealth.sample.VirtualThreads;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * The virtual-thread deadlock search end to end in a real JVM, with the agent's Instrumentation (so the JDK's internals
 * are opened as the agent would), on a scenario of the sample target; each evaluation's result, wall and CPU time.
 * java -javaagent:agent/target/jvm-health-agent.jar=port=0,log=off -cp sample-target/target/classes:agent/target/jvm-health-agent.jar scripts/hangs/FinderSmoke.java
 *   SCENARIO [BUSY_THREADS] [EVALUATIONS] [internals|file]
 * SCENARIO: monitor | lock | cycle3 | chain | none
 */
public class FinderSmoke {
    public static void main(String[] args) throws Exception {
        String scenario = args[0];
        int busy = args.length > 1 ? Integer.parseInt(args[1]) : 0;
        int evaluations = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        boolean file = args.length > 3 && args[3].equals("file");
        if (busy > 0) {
            VirtualThreads.startBusy(busy, busy > 20000 ? 1000 : 20, busy > 20000 ? 10000 : 200);
        }
        switch (scenario) {
            case "monitor" -> VirtualThreads.deadlockOnMonitors();
            case "lock" -> VirtualThreads.deadlockOnLocks();
            case "cycle3" -> VirtualThreads.cycleOfThree();
            case "chain" -> VirtualThreads.chainIntoPlatformCycle();
            default -> { }
        }
        VirtualDeadlocks.Source source = file ? VirtualDeadlocks.of(null) : VirtualDeadlocks.of(AgentInstrumentation.get());
        System.out.println("internals: " + (ThreadInternals.unavailable() == null ? "open" : ThreadInternals.unavailable()));
        // what the application itself may do afterwards: the packages are opened to the agent's private module only
        for (String what : new String[] {"java.util.concurrent.locks.AbstractOwnableSynchronizer#getExclusiveOwnerThread", "jdk.internal.vm.ThreadSnapshot#of"}) {
            try {
                String[] cm = what.split("#");
                Class<?> c = Class.forName(cm[0]);
                java.lang.reflect.Method m = cm[1].equals("of") ? c.getDeclaredMethod(cm[1], Thread.class) : c.getDeclaredMethod(cm[1]);
                m.setAccessible(true);
                System.out.println("application access to " + what + ": ALLOWED");
            } catch (Throwable e) {
                System.out.println("application access to " + what + ": refused (" + e.getClass().getSimpleName() + ")");
            }
        }
        VirtualDeadlocks search = new VirtualDeadlocks(source, new DumpPacing(0, 0), 256L << 20, 200_000);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (int i = 0; i < evaluations; i++) {
            long c0 = threads.getCurrentThreadCpuTime();
            long w0 = System.nanoTime();
            VirtualDeadlocks.Result r = search.evaluate(System.nanoTime());
            long wall = System.nanoTime() - w0;
            long cpu = threads.getCurrentThreadCpuTime() - c0;
            System.out.printf("evaluation %d: %.1f ms wall, %.1f ms CPU: %s%n  details %s%n", i, wall / 1e6, cpu / 1e6,
                    r.deadlocked() ? "DEADLOCK " + r.reason : "no deadlock" + (r.cannotTell == null ? "" : " (cannot tell: " + r.cannotTell + ")"),
                    String.valueOf(r.details).length() > 1500 ? String.valueOf(r.details).substring(0, 1500) + "..." : r.details);
            Thread.sleep(1000);
        }
        System.exit(0);
    }
}
