import io.jvmhealth.agent.config.Settings;
import io.jvmhealth.agent.health.Evaluator;
import io.jvmhealth.agent.health.checks.BuiltInChecks;
import io.jvmhealth.agent.health.checks.DeadlockCheck;

import java.io.FileWriter;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;

/**
 * CPU time of one health evaluation ({@link Evaluator#evaluateOnce()}, the default checks: deadlock,
 * heap, gc, threads, memory, fds, cpu) with N live
 * threads, measured inside the JVM. Usage: {@code EvalCost OUT N [N...]}.
 *
 * <p>Per evaluation: the calling thread's CPU time ({@link ThreadMXBean#getCurrentThreadCpuTime()})
 * plus the CPU time of HotSpot's "VM Thread" over the same call (from /proc/self/task/TID/schedstat,
 * in ns), because deadlock detection runs there, at a safepoint, not on the caller. Threads are
 * parked daemon threads, the total live count brought to N. Appends {@code eval_cpu_us_N},
 * {@code deadlock_cpu_us_N} (the deadlock check alone) percentiles to OUT.
 */
public final class EvalCost {
    private static final int WARMUP = 200;

    public static void main(String[] args) throws Exception {
        String out = args[0];
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        // the default checks (all seven); -Djvmhealth.checks=... measures another set, for comparison
        Settings settings = io.jvmhealth.agent.runtime.Catalog.resolve(null, System.getProperties(), System.getenv()).settings;
        Evaluator evaluator = new Evaluator(BuiltInChecks.create(settings), settings.intervalMillis);
        DeadlockCheck deadlock = new DeadlockCheck(mx);
        Path vmThread = CallCpu.vmThreadSchedstat();
        List<Thread> started = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            int n = Integer.parseInt(args[i]);
            int missing = n - mx.getThreadCount();
            CountDownLatch up = new CountDownLatch(Math.max(0, missing));
            for (int k = 0; k < missing; k++) {
                Thread t = new Thread(() -> {
                    up.countDown();
                    while (true) {
                        LockSupport.park();
                    }
                }, "parked-" + started.size());
                t.setDaemon(true);
                t.start();
                started.add(t);
            }
            up.await();
            int runs = n >= 10_000 ? 300 : 2000;
            long[] eval = CallCpu.measure(mx, vmThread, WARMUP, runs, evaluator::evaluateOnce);
            long[] scan = CallCpu.measure(mx, vmThread, WARMUP, runs, deadlock::evaluate);
            int live = mx.getThreadCount();
            try (PrintWriter w = new PrintWriter(new FileWriter(out, true))) {
                for (long v : eval) {
                    w.println("eval_cpu_us_" + n + "\tours\t" + v / 1000.0);
                }
                for (long v : scan) {
                    w.println("deadlock_cpu_us_" + n + "\tours\t" + v / 1000.0);
                }
            }
            System.err.printf("%d live threads: evaluation p50 %.1f us p90 %.1f us; deadlock check p50 %.1f us (%d runs)%n",
                    live, CallCpu.pct(eval, 50) / 1000.0, CallCpu.pct(eval, 90) / 1000.0, CallCpu.pct(scan, 50) / 1000.0, runs);
        }
    }


}
