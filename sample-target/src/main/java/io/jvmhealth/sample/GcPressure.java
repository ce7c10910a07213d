package io.jvmhealth.sample;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Two shapes of GC load, each counting the work it completes ({@link #OPS}) and the OutOfMemoryErrors it
 * caught ({@link #OOMS}: counted where caught, so the JVM's preallocated errors are counted too).
 *
 * <ul>
 *   <li>{@link #spiral}: a GC death spiral. The heap is filled with live data up to a fraction of its max
 *       (64 KiB arrays), then threads keep working: each operation allocates 32 KiB of short-lived garbage
 *       and replaces one live array by a new one (the live set stays the same size, and every replacement
 *       leaves old garbage that only an old/full collection frees). Near a full heap the JVM spends nearly
 *       all its time collecting and completes little work.</li>
 *   <li>{@link #allocationHeavy}: a busy, healthy JVM. A small live set (a tenth of the max heap) and
 *       threads allocating short-lived garbage as fast as they can, replacing a live slot every 16 operations.</li>
 * </ul>
 * All threads are daemon threads named "sample-gc-N"; {@link #stop()} ends them and drops the live data.
 */
public final class GcPressure {
    /** Operations completed: one is 32 KiB of garbage (and, in the spiral, one live array replaced). */
    public static final AtomicLong OPS = new AtomicLong();
    /** OutOfMemoryErrors caught by the workers. */
    public static final AtomicLong OOMS = new AtomicLong();
    /** System.nanoTime() of the first caught OutOfMemoryError, 0 before. */
    public static volatile long firstOomNanos;

    static final int LIVE_CHUNK = 64 * 1024;
    private static final int GARBAGE_PIECE = 1024;
    private static final int GARBAGE_PER_OP = 32;

    private static final List<Thread> WORKERS = new ArrayList<Thread>();
    private static volatile boolean stopped;
    private static volatile byte[][] live;
    static volatile Object sink;

    private GcPressure() {
    }

    /** Fills the heap with live data to {@code fraction} of its max (stopping at the first OutOfMemoryError), then starts {@code threads} workers. */
    public static synchronized void spiral(double fraction, int threads) {
        fill(fraction);
        start(threads, 1);
    }

    /** A tenth of the heap live, {@code threads} workers allocating as fast as they can. */
    public static synchronized void allocationHeavy(int threads) {
        fill(0.10);
        start(threads, 16);
    }

    public static synchronized void stop() throws InterruptedException {
        stopped = true;
        for (Thread t : WORKERS) {
            t.join();
        }
        WORKERS.clear();
        live = null;
        stopped = false;
    }

    private static void fill(double fraction) {
        int count = (int) (fraction * Runtime.getRuntime().maxMemory() / LIVE_CHUNK);
        byte[][] chunks = new byte[Math.max(1, count)][];
        int filled = 0;
        try {
            for (; filled < chunks.length; filled++) {
                chunks[filled] = new byte[LIVE_CHUNK];
            }
        } catch (OutOfMemoryError e) {
            OOMS.incrementAndGet();
            if (firstOomNanos == 0) {
                firstOomNanos = System.nanoTime();
            }
            if (filled > 0) {
                chunks[--filled] = null; // room to go on
            }
        }
        if (filled < chunks.length) {
            byte[][] shorter = new byte[Math.max(1, filled)][];
            System.arraycopy(chunks, 0, shorter, 0, Math.max(1, filled));
            chunks = shorter;
        }
        live = chunks;
    }

    private static void start(int threads, final int replaceEvery) {
        for (int i = 0; i < threads; i++) {
            final int seed = i;
            Thread t = new Thread(new Runnable() {
                @Override
                public void run() {
                    work(seed, replaceEvery);
                }
            }, "sample-gc-" + (WORKERS.size() + 1));
            t.setDaemon(true);
            WORKERS.add(t);
            t.start();
        }
    }

    private static void work(int seed, int replaceEvery) {
        Random random = new Random(seed);
        long n = 0;
        while (!stopped) {
            try {
                Object[] garbage = new Object[GARBAGE_PER_OP];
                for (int i = 0; i < GARBAGE_PER_OP; i++) {
                    garbage[i] = new byte[GARBAGE_PIECE];
                }
                sink = garbage;
                if (++n % replaceEvery == 0) {
                    byte[][] chunks = live;
                    if (chunks != null && chunks.length > 0) {
                        chunks[random.nextInt(chunks.length)] = new byte[LIVE_CHUNK];
                    }
                }
                OPS.incrementAndGet();
            } catch (OutOfMemoryError e) {
                OOMS.incrementAndGet();
                if (firstOomNanos == 0) {
                    firstOomNanos = System.nanoTime();
                }
            }
        }
    }
}
