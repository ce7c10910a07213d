package io.jvmhealth.sample;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** Heap scenarios: retained memory ({@code leak}, {@code oom}, {@code free}) and GC pressure ({@code churn}). */
final class MemoryScenarios {

    /**
     * Size of one retained chunk: 1 MiB minus a little, so that a chunk plus its array header fits
     * in one 1 MiB G1 region (a full 1 MiB array would occupy two humongous regions and the heap
     * would hold twice what the retained bytes say).
     */
    static final int CHUNK_BYTES = 1024 * 1024 - 64;

    /** Memory retained by leak and oom; guarded by its own monitor. */
    private static final ArrayList<byte[]> RETAINED = new ArrayList<byte[]>();
    private static long retainedBytes;

    private static final List<Churner> CHURNERS = new ArrayList<Churner>();

    private MemoryScenarios() {
    }

    /** Retains chunks on the calling thread until the retained bytes reach {@code fraction} of the max heap. */
    static void leak(double fraction) {
        if (retainUntil((long) (fraction * Runtime.getRuntime().maxMemory()))) {
            SampleTarget.error("oom");
        }
    }

    /**
     * Retains chunks until {@code targetBytes} are retained or an OutOfMemoryError is thrown; returns
     * whether it was. After an OutOfMemoryError the two most recent chunks are released again: with
     * G1 and 1 MiB regions a heap filled with chunks has no free region left at all, and then nothing
     * (not even printing the ok line, or the agent) could allocate: the JVM runs full collections
     * back to back (some 600 a second, each freeing nothing, in a GC log of such a run). One chunk
     * was not always enough: the objects that young collections promote while the heap fills can
     * take the one region it frees (a GC log: 60 humongous, 2 archive and 2 old regions of 64, none
     * free). The heap stays full to within two chunks (95-97 % after GC with -Xmx64m on JDK 17 and 25).
     */
    private static boolean retainUntil(long targetBytes) {
        synchronized (RETAINED) {
            try {
                while (retainedBytes < targetBytes) {
                    RETAINED.add(new byte[CHUNK_BYTES]);
                    retainedBytes += CHUNK_BYTES;
                }
                return false;
            } catch (OutOfMemoryError e) {
                for (int i = 0; i < 2 && !RETAINED.isEmpty(); i++) {
                    RETAINED.remove(RETAINED.size() - 1);
                    retainedBytes -= CHUNK_BYTES;
                }
                return true;
            }
        }
    }

    /** Drops all retained memory, then asks for a GC. */
    static void free() {
        synchronized (RETAINED) {
            RETAINED.clear();
            RETAINED.trimToSize();
            retainedBytes = 0;
        }
        System.gc();
    }

    /**
     * Fills the heap from a daemon thread "sample-oom" until it gets (and catches) an
     * OutOfMemoryError, keeping the chunks, then makes the calling thread hit one OutOfMemoryError too.
     */
    static void oom() throws InterruptedException {
        Thread filler = new Thread(new Runnable() {
            @Override
            public void run() {
                // retainUntil catches the OutOfMemoryError: the heap stays full, the thread ends normally.
                retainUntil(Long.MAX_VALUE);
            }
        }, "sample-oom");
        filler.setDaemon(true);
        filler.start();
        filler.join();

        // The heap is full: an array as large as the whole heap (within the array size limit) cannot fit.
        int size = (int) Math.min(Runtime.getRuntime().maxMemory(), Integer.MAX_VALUE - 64);
        try {
            sink = new byte[size];
            sink = null;
            SampleTarget.error("oom: the command thread could allocate " + size + " bytes");
        } catch (OutOfMemoryError expected) {
            // Simulates the host failing with OutOfMemoryError in a second thread.
        }
    }

    /** Keeps the large allocation in oom() from being optimised away. */
    private static volatile byte[] sink;

    static void startChurn(int threads) {
        // Live set: about a quarter of the max heap over all churn threads (at most 20,000 slots each).
        long liveBytesPerThread = Runtime.getRuntime().maxMemory() / 4 / threads;
        int slots = (int) Math.max(100, Math.min(20000, liveBytesPerThread / Churner.AVERAGE_BYTES));
        synchronized (CHURNERS) {
            for (int i = 0; i < threads; i++) {
                Churner churner = new Churner(slots);
                Thread thread = new Thread(churner, "sample-churn-" + (CHURNERS.size() + 1));
                thread.setDaemon(true);
                churner.thread = thread;
                CHURNERS.add(churner);
                thread.start();
            }
        }
    }

    static void stopChurn() throws InterruptedException {
        synchronized (CHURNERS) {
            for (Churner churner : CHURNERS) {
                churner.stopped = true;
            }
            for (Churner churner : CHURNERS) {
                churner.thread.join();
            }
            CHURNERS.clear();
        }
    }

    /**
     * Allocates 1-4 KB arrays as fast as it can, each replacing a random slot of its live set, so
     * that young collections find a lot of live objects to copy.
     */
    private static final class Churner implements Runnable {
        static final int MIN_BYTES = 1024;
        static final int MAX_BYTES = 4 * 1024;
        static final int AVERAGE_BYTES = (MIN_BYTES + MAX_BYTES) / 2;

        private final int slots;
        volatile boolean stopped;
        Thread thread;

        Churner(int slots) {
            this.slots = slots;
        }

        @Override
        public void run() {
            Random random = null;
            Object[] live = null;
            while (!stopped) {
                try {
                    if (live == null) {
                        random = new Random(slots);
                        live = new Object[slots];
                    }
                    live[random.nextInt(slots)] = new byte[MIN_BYTES + random.nextInt(MAX_BYTES - MIN_BYTES + 1)];
                } catch (OutOfMemoryError e) {
                    // The heap is full (e.g. leak or oom also ran): drop the live set and back off.
                    live = null;
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
                }
            }
        }
    }
}
