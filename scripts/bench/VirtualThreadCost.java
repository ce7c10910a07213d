import io.jvmhealth.agent.base.AgentInstrumentation;
import io.jvmhealth.agent.config.Settings;
import io.jvmhealth.agent.health.Evaluator;
import io.jvmhealth.agent.health.checks.BuiltInChecks;
import io.jvmhealth.agent.health.checks.hang.DumpPacing;
import io.jvmhealth.agent.health.checks.hang.VirtualDeadlocks;
import io.jvmhealth.agent.health.checks.hang.VirtualThreadDump;
import io.jvmhealth.sample.VirtualThreads;

import java.lang.instrument.Instrumentation;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * What virtual threads cost the agent (issue 22), measured inside a JDK 25 JVM that runs the agent (for its
 * Instrumentation: the JDK's internals are opened as the agent opens them) with N busy virtual threads of the sample
 * target ({@code VirtualThreads.startBusy}: sleeps, then a shared monitor and a shared ReentrantLock for a moment):
 * <ul>
 *   <li>one evaluation of the default checks ({@code Evaluator.evaluateOnce}): the calling thread's CPU plus HotSpot's
 *       VM Thread's over the call (ThreadMXBean's deadlock scan runs there), as EvalCost measures it;</li>
 *   <li>one virtual-thread deadlock search ({@code VirtualDeadlocks.evaluate}, unpaced): CPU and wall;</li>
 *   <li>the paced search thread {@code jvm-health-vt-deadlocks} and the scheduler sampler {@code jvm-health-vt-scheduler}
 *       that the evaluation starts: their share of one core over {@link #SHARE_SECONDS} s;</li>
 *   <li>the evidence's virtual threads ({@code VirtualThreadDump.lines}): CPU and wall of one.</li>
 * </ul>
 * Usage: {@code java -javaagent:vtc.jar -javaagent:agent.jar=port=0,log=off,interval=1h -cp CLASSES:agent.jar:sample-target.jar
 * VirtualThreadCost N...} (vtc.jar: a manifest naming this class as {@code Premain-Class}; see {@link #premain})
 * (N: 0 for a host without virtual threads, then e.g. 10000 100000). Prints Markdown table rows.
 */
public final class VirtualThreadCost {
    private static final int SHARE_SECONDS = 20;

    /**
     * Also this program's own agent ({@code -javaagent:} a jar naming it as {@code Premain-Class}, given before the agent's):
     * the agent keeps its Instrumentation in the copy of {@code AgentInstrumentation} its own loader defines, which
     * this program, on the class path with the agent's jar, does not see; this premain hands one to the copy it does see.
     */
    public static void premain(String args, Instrumentation instrumentation) {
        AgentInstrumentation.set(instrumentation);
    }

    public static void main(String[] args) throws Exception {
        Instrumentation instrumentation = AgentInstrumentation.get();
        if (instrumentation == null) {
            throw new IllegalStateException("run with -javaagent:jvm-health-agent.jar (its Instrumentation opens the JDK's internals)");
        }
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Path vmThread = CallCpu.vmThreadSchedstat();
        for (String arg : args) {
            int n = Integer.parseInt(arg);
            VirtualThreads.stopBusy();
            if (n > 0) {
                if (n > 20_000) {
                    VirtualThreads.startBusy(n, 1000, 10_000); // 100,000 at 20-200 ms would need more than 2 cores
                } else {
                    VirtualThreads.startBusy(n, 20, 200);
                }
            }
            String label = String.format("%,d", n);
            // one evaluation of the default checks (a fresh evaluator: its deadlock check starts the search thread if used)
            Settings settings = io.jvmhealth.agent.runtime.Catalog.resolve(null, System.getProperties(), System.getenv()).settings;
            Evaluator evaluator = new Evaluator(BuiltInChecks.create(settings), settings.intervalMillis);
            int runs = n >= 100_000 ? 100 : 300;
            long[] eval = CallCpu.measure(mx, vmThread, 200, runs, evaluator::evaluateOnce);
            row("one evaluation, default checks, " + label + " virtual threads: caller + VM Thread CPU (µs)", eval, 1000.0, runs);
            if (n > 0) {
                VirtualDeadlocks search = new VirtualDeadlocks(VirtualDeadlocks.of(instrumentation), new DumpPacing(0, 0), 512L << 20, 1_000_000);
                int searches = n >= 100_000 ? 10 : 20;
                long[] cpu = new long[searches];
                long[] wall = new long[searches];
                for (int i = 0; i < 3 + searches; i++) {
                    long c0 = mx.getCurrentThreadCpuTime();
                    long w0 = System.nanoTime();
                    search.evaluate(System.nanoTime());
                    if (i >= 3) {
                        wall[i - 3] = System.nanoTime() - w0;
                        cpu[i - 3] = mx.getCurrentThreadCpuTime() - c0;
                    }
                }
                Arrays.sort(cpu);
                Arrays.sort(wall);
                row("one deadlock search, " + label + " virtual threads: CPU (ms)", cpu, 1e6, searches);
                row("one deadlock search, " + label + " virtual threads: wall (ms)", wall, 1e6, searches);
                // the paced threads the evaluation started, over SHARE_SECONDS
                long[] t0 = {threadCpu(mx, "jvm-health-vt-deadlocks"), threadCpu(mx, "jvm-health-vt-scheduler")};
                long w0 = System.nanoTime();
                for (int s = 0; s < SHARE_SECONDS; s++) {
                    Thread.sleep(1000);
                    evaluator.evaluateOnce(); // as the agent's evaluator would (its default interval is 5 s: more often here)
                }
                long wall1 = System.nanoTime() - w0;
                long[] t1 = {threadCpu(mx, "jvm-health-vt-deadlocks"), threadCpu(mx, "jvm-health-vt-scheduler")};
                System.out.printf("| the paced search thread jvm-health-vt-deadlocks, %s virtual threads: share of one core over %d s | %.2f %% | |%n",
                        label, SHARE_SECONDS, 100.0 * (t1[0] - t0[0]) / wall1);
                System.out.printf("| the scheduler sampler jvm-health-vt-scheduler (a sample a second), %s virtual threads: share of one core | %.3f %% | |%n",
                        label, 100.0 * (t1[1] - t0[1]) / wall1);
                long c0 = mx.getCurrentThreadCpuTime();
                long d0 = System.nanoTime();
                List<String> lines = VirtualThreadDump.lines(instrumentation, Collections.<Long>emptySet());
                System.out.printf("| evidence: the virtual threads from the JDK's JSON dump, %s virtual threads: CPU, wall (ms) | %.0f, %.0f (%d lines kept) | once per incident |%n",
                        label, (mx.getCurrentThreadCpuTime() - c0) / 1e6, (System.nanoTime() - d0) / 1e6, lines.size());
            }
            evaluator.stop();
        }
        VirtualThreads.stopBusy();
        System.exit(0);
    }

    private static void row(String what, long[] sorted, double unit, int runs) {
        System.out.printf("| %s | p50 %.2f, p90 %.2f, max %.2f (%d runs) | |%n", what, CallCpu.pct(sorted, 50) / unit, CallCpu.pct(sorted, 90) / unit,
                sorted[sorted.length - 1] / unit, runs);
    }

    private static long threadCpu(ThreadMXBean mx, String name) {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals(name)) {
                return mx.getThreadCpuTime(t.getId());
            }
        }
        return 0;
    }


}
