import java.io.IOException;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;

/**
 * CPU time of one call, measured inside the JVM: the calling thread's CPU time plus that of HotSpot's "VM Thread" over
 * the same call (from /proc/self/task/TID/schedstat, in ns), because work done at a safepoint (deadlock detection, thread
 * dumps) runs there, not on the caller. Shared by EvalCost and VirtualThreadCost (compiled with them).
 */
final class CallCpu {
    private CallCpu() {
    }

    /** Per-call CPU times in ns (caller + VM Thread) of {@code runs} calls after {@code warmup}, sorted. */
    static long[] measure(ThreadMXBean mx, Path vmThread, int warmup, int runs, Runnable call) throws IOException {
        for (int i = 0; i < warmup; i++) {
            call.run();
        }
        long[] samples = new long[runs];
        for (int i = 0; i < runs; i++) {
            long vm0 = schedstat(vmThread);
            long c0 = mx.getCurrentThreadCpuTime();
            call.run();
            long c1 = mx.getCurrentThreadCpuTime();
            long vm1 = schedstat(vmThread);
            samples[i] = (c1 - c0) + (vm1 - vm0);
        }
        Arrays.sort(samples);
        return samples;
    }

    /** The {@code p}th percentile of sorted samples (nearest rank). */
    static long pct(long[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    /** The schedstat file of this JVM's VM Thread. */
    static Path vmThreadSchedstat() throws IOException {
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Paths.get("/proc/self/task"))) {
            for (Path task : tasks) {
                String comm = new String(Files.readAllBytes(task.resolve("comm")), StandardCharsets.US_ASCII).trim();
                if (comm.equals("VM Thread")) {
                    return task.resolve("schedstat");
                }
            }
        }
        throw new IllegalStateException("no VM Thread in /proc/self/task");
    }

    /** The CPU time (ns) a schedstat file says its thread has run. */
    static long schedstat(Path file) throws IOException {
        String s = new String(Files.readAllBytes(file), StandardCharsets.US_ASCII);
        return Long.parseLong(s.substring(0, s.indexOf(' ')));
    }
}
