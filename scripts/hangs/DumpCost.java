import com.sun.management.HotSpotDiagnosticMXBean;
import io.jvmhealth.sample.VirtualThreads;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;

/**
 * The cost of HotSpotDiagnosticMXBean.dumpThreads(JSON) with N live virtual threads (the sample target's
 * "vbusy" threads: sleep 20-200 ms, a monitor and a ReentrantLock for a moment, over and over), ROUNDS dumps:
 * wall ms, CPU ms of the dumping thread, process CPU ms during the dump, bytes; medians.
 * java -cp sample-target/target/classes scripts/hangs/DumpCost.java N [ROUNDS [MIN_SLEEP_MS MAX_SLEEP_MS]]
 */
public class DumpCost {
    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        long t0 = System.nanoTime();
        if (n > 0) {
            VirtualThreads.startBusy(n, args.length > 2 ? Integer.parseInt(args[2]) : 20, args.length > 3 ? Integer.parseInt(args[3]) : 200);
        }
        System.out.printf("started %d virtual threads in %d ms%n", n, (System.nanoTime() - t0) / 1_000_000);
        Thread.sleep(2000);
        HotSpotDiagnosticMXBean bean = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        Path dir = Files.createTempDirectory("dumpcost", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        long[] wall = new long[rounds], cpu = new long[rounds], proc = new long[rounds], bytes = new long[rounds];
        long roundsBefore = VirtualThreads.BUSY_ROUNDS.get();
        long idleProc0 = os.getProcessCpuTime(); long idleWall0 = System.nanoTime();
        Thread.sleep(1000);
        long idleProcPerSec = (os.getProcessCpuTime() - idleProc0) * 1_000_000_000L / (System.nanoTime() - idleWall0);
        for (int i = 0; i < rounds; i++) {
            Path f = dir.resolve("d" + i + ".json");
            long p0 = os.getProcessCpuTime();
            long c0 = threads.getCurrentThreadCpuTime();
            long w0 = System.nanoTime();
            bean.dumpThreads(f.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
            wall[i] = (System.nanoTime() - w0) / 1000;
            cpu[i] = (threads.getCurrentThreadCpuTime() - c0) / 1000;
            proc[i] = (os.getProcessCpuTime() - p0) / 1000;
            bytes[i] = Files.size(f);
            Files.delete(f);
            System.out.printf("round %d: wall %.1f ms, dumping thread CPU %.1f ms, process CPU %.1f ms, %d bytes%n",
                    i, wall[i] / 1000.0, cpu[i] / 1000.0, proc[i] / 1000.0, bytes[i]);
            Thread.sleep(1000);
        }
        Files.delete(dir);
        System.out.printf("N=%d medians: wall %.1f ms, dumping thread CPU %.1f ms, process CPU %.1f ms (process CPU without a dump: %.1f ms per second), %d bytes (%.0f bytes per thread)%n",
                n, med(wall) / 1000.0, med(cpu) / 1000.0, med(proc) / 1000.0, idleProcPerSec / 1e6, med(bytes), (double) med(bytes) / Math.max(1, n));
        System.out.printf("busy rounds completed meanwhile: %d%n", VirtualThreads.BUSY_ROUNDS.get() - roundsBefore);
        System.exit(0);
    }

    static long med(long[] a) {
        long[] c = a.clone();
        Arrays.sort(c);
        return c[c.length / 2];
    }
}
