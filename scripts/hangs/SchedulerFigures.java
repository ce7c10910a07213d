import io.jvmhealth.sample.VirtualThreads;

import java.lang.management.ManagementFactory;
import java.lang.management.PlatformManagedObject;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * The virtual-thread scheduler's MXBean (JDK 24+, jdk.management:type=VirtualThreadScheduler) through phases:
 * idle, 10,000 busy virtual threads (sleeps and short locks), starved (as many CPU-spinning virtual threads as carriers,
 * plus 1,000 virtual threads waking every 10 ms), recovered. One line every 500 ms.
 * java -cp sample-target/target/classes scripts/hangs/SchedulerFigures.java [SPINNERS]
 */
public class SchedulerFigures {
    public static void main(String[] args) throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = new ObjectName("jdk.management:type=VirtualThreadScheduler");
        System.out.println("# registered before any virtual thread: " + server.isRegistered(name) + "; attributes "
                + java.util.Arrays.stream(server.getMBeanInfo(name).getAttributes()).map(a -> a.getName() + (a.isWritable() ? "(rw)" : "")).toList());
        int parallelism = (Integer) server.getAttribute(name, "Parallelism");
        int spinners = args.length > 0 ? Integer.parseInt(args[0]) : parallelism;
        long t0 = System.nanoTime();
        System.out.println("t\tphase\tparallelism\tpoolSize\tmounted\tqueued\tbusyRounds/s");
        String[] phases = {"idle", "busy10k", "starved", "recovered"};
        long lastRounds = 0;
        for (int p = 0; p < phases.length; p++) {
            switch (phases[p]) {
                case "busy10k" -> VirtualThreads.startBusy(10000);
                case "starved" -> VirtualThreads.starve(spinners, 1000);
                case "recovered" -> VirtualThreads.starveStop();
                default -> { }
            }
            int samples = phases[p].equals("starved") ? 30 : 12;
            for (int i = 0; i < samples; i++) {
                Thread.sleep(500);
                long rounds = VirtualThreads.BUSY_ROUNDS.get();
                System.out.printf("%.1f\t%s\t%s\t%s\t%s\t%s\t%d%n", (System.nanoTime() - t0) / 1e9, phases[p],
                        server.getAttribute(name, "Parallelism"), server.getAttribute(name, "PoolSize"),
                        server.getAttribute(name, "MountedVirtualThreadCount"), server.getAttribute(name, "QueuedVirtualThreadCount"),
                        (rounds - lastRounds) * 2);
                lastRounds = rounds;
            }
        }
        System.exit(0);
    }
}
