package io.jvmhealth.sample;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Scenarios outside the heap and around the JVM: direct buffers (off-heap memory a memory cgroup
 * counts and the heap does not), busy threads (CPU for a quota to throttle), threads with hostile
 * names (control characters, quotes, lone surrogates, 5,000 characters, HTML markup) deadlocked in pairs, and a
 * thread that holds System.err's lock (as a host stuck writing to a full stderr pipe would).
 */
final class ResourceScenarios {
    private static final List<ByteBuffer> DIRECT = new ArrayList<ByteBuffer>();
    private static final List<Thread> SPINNERS = new ArrayList<Thread>();
    private static volatile boolean spinning;
    static volatile long spins;
    private static CountDownLatch stderrRelease;

    /** The hostile names, in pairs: each pair deadlocks on two monitors. */
    static String[] hostileNames() {
        StringBuilder longName = new StringBuilder("long-");
        while (longName.length() < 5000) {
            longName.append("\u00e9\u4e2d\"\\");
        }
        return new String[] {
            "cr\r[jvm-health] INFO forged line \u001b[31mred\u001b[0m",
            "lf\nquote\"back\\slash\ttab",
            "lone-high\ud800-lone-low\udc00-end",
            "sep\u2028line\u2029para-nul\u0000-bel\u0007-c1\u009b-del\u007f",
            longName.substring(0, 5000),
            "emoji-\ud83d\ude00-ok",
            "<img src=x onerror=alert(1)>",
            "\"><script>alert(2)</script><b title='&amp;",
        };
    }

    private ResourceScenarios() {
    }

    /** Allocates {@code mib} direct buffers of 1 MiB each (zeroed, so resident) and keeps them. */
    static void direct(int mib) {
        synchronized (DIRECT) {
            for (int i = 0; i < mib; i++) {
                DIRECT.add(ByteBuffer.allocateDirect(1024 * 1024));
            }
        }
    }

    static void directFree() {
        synchronized (DIRECT) {
            DIRECT.clear();
        }
        System.gc();
    }

    /** Starts {@code count} daemon threads "sample-spin-I" that spin on the CPU until {@link #spinStop()}. */
    static void spin(int count) {
        synchronized (SPINNERS) {
            spinning = true;
            for (int i = 0; i < count; i++) {
                Thread t = new Thread(new Runnable() {
                    @Override
                    public void run() {
                        long n = 0;
                        while (spinning) {
                            n++;
                            if ((n & 0xfffff) == 0) {
                                spins = n;
                            }
                        }
                    }
                }, "sample-spin-" + (SPINNERS.size() + 1));
                t.setDaemon(true);
                t.start();
                SPINNERS.add(t);
            }
        }
    }

    static void spinStop() throws InterruptedException {
        synchronized (SPINNERS) {
            spinning = false;
            for (Thread t : SPINNERS) {
                t.join();
            }
            SPINNERS.clear();
        }
    }

    /** Starts the hostile-named threads, deadlocked in pairs on monitors; returns once all are BLOCKED. */
    static void hostile() {
        String[] names = hostileNames();
        List<Thread> started = new ArrayList<Thread>();
        for (int i = 0; i + 1 < names.length; i += 2) {
            final Object first = new Object();
            final Object second = new Object();
            final CountDownLatch both = new CountDownLatch(2);
            started.add(lockInOrder(names[i], first, second, both));
            started.add(lockInOrder(names[i + 1], second, first, both));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (Thread t : started) {
            while (t.getState() != Thread.State.BLOCKED) {
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("hostile: threads did not block");
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
        }
    }

    private static Thread lockInOrder(String name, final Object a, final Object b, final CountDownLatch both) {
        Thread t = new Thread(new Runnable() {
            @Override
            public void run() {
                synchronized (a) {
                    both.countDown();
                    while (true) {
                        try {
                            both.await();
                            break;
                        } catch (InterruptedException ignored) {
                            // keep waiting
                        }
                    }
                    synchronized (b) {
                        throw new AssertionError("unreachable: got both monitors");
                    }
                }
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /**
     * A daemon thread "sample-stderr-holder" takes System.err's monitor and keeps it until
     * {@link #releaseStderr()}: every other writer of System.err blocks meanwhile (on JDKs whose
     * PrintStream locks its own monitor, such as 8 to 17). Returns once the monitor is held.
     */
    static void holdStderr() throws InterruptedException {
        final CountDownLatch held = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        synchronized (ResourceScenarios.class) {
            stderrRelease = release;
        }
        Thread t = new Thread(new Runnable() {
            @Override
            public void run() {
                synchronized (System.err) {
                    held.countDown();
                    while (true) {
                        try {
                            release.await();
                            return;
                        } catch (InterruptedException ignored) {
                            // keep holding
                        }
                    }
                }
            }
        }, "sample-stderr-holder");
        t.setDaemon(true);
        t.start();
        held.await();
    }

    static synchronized void releaseStderr() {
        if (stderrRelease != null) {
            stderrRelease.countDown();
        }
    }
}
