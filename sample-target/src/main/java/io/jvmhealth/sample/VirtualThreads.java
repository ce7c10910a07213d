package io.jvmhealth.sample;

import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Virtual-thread scenarios (JDK 21+): deadlocks among virtual threads, many live virtual threads doing
 * sleeps and short locks, and a starved virtual-thread scheduler. This file is compiled for release 8
 * like the rest of the sample target: virtual threads are made through {@code Thread.ofVirtual()} by
 * reflection, and on a JDK without them every command fails with "virtual threads need JDK 21+".
 */
public final class VirtualThreads {
    private static final long DEADLINE_MILLIS = 10_000;

    private static final List<Thread> BUSY = new ArrayList<Thread>();
    private static volatile boolean busyStopped;
    private static final List<Thread> STARVERS = new ArrayList<Thread>();
    private static volatile boolean starveStopped;
    /** Iterations completed by the busy threads: a test can see they still make progress. */
    public static final AtomicLong BUSY_ROUNDS = new AtomicLong();

    private VirtualThreads() {
    }

    /** Whether this JVM can make virtual threads. */
    public static boolean available() {
        try {
            Thread.class.getMethod("ofVirtual");
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    /** An unstarted virtual thread named {@code name}. */
    public static Thread unstarted(String name, Runnable body) {
        try {
            Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
            Class<?> builderType = Class.forName("java.lang.Thread$Builder");
            builder = builderType.getMethod("name", String.class).invoke(builder, name);
            return (Thread) builderType.getMethod("unstarted", Runnable.class).invoke(builder, body);
        } catch (NoSuchMethodException | ClassNotFoundException e) {
            throw new IllegalArgumentException("virtual threads need JDK 21+");
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    public static Thread start(String name, Runnable body) {
        Thread t = unstarted(name, body);
        t.start();
        return t;
    }

    /**
     * Virtual threads "vdeadlock-a" and "vdeadlock-b" deadlocked on two monitors ({@code synchronized});
     * returns once both are BLOCKED.
     */
    public static void deadlockOnMonitors() throws InterruptedException {
        final Object monitorA = new Object();
        final Object monitorB = new Object();
        final CountDownLatch bothHoldFirst = new CountDownLatch(2);
        Thread a = start("vdeadlock-a", new Runnable() {
            @Override
            public void run() {
                synchronized (monitorA) {
                    arrive(bothHoldFirst);
                    synchronized (monitorB) {
                        throw new AssertionError("unreachable: vdeadlock-a got both monitors");
                    }
                }
            }
        });
        Thread b = start("vdeadlock-b", new Runnable() {
            @Override
            public void run() {
                synchronized (monitorB) {
                    arrive(bothHoldFirst);
                    synchronized (monitorA) {
                        throw new AssertionError("unreachable: vdeadlock-b got both monitors");
                    }
                }
            }
        });
        awaitState(a, b, Thread.State.BLOCKED, "vdeadlock monitor");
    }

    /** The same with two ReentrantLocks; returns once each waits (WAITING) queued on the other's lock. */
    public static void deadlockOnLocks() throws InterruptedException {
        final ReentrantLock lockA = new ReentrantLock();
        final ReentrantLock lockB = new ReentrantLock();
        final CountDownLatch bothHoldFirst = new CountDownLatch(2);
        Thread a = start("vdeadlock-a", new Runnable() {
            @Override
            public void run() {
                lockA.lock();
                arrive(bothHoldFirst);
                lockB.lock();
                throw new AssertionError("unreachable: vdeadlock-a got both locks");
            }
        });
        Thread b = start("vdeadlock-b", new Runnable() {
            @Override
            public void run() {
                lockB.lock();
                arrive(bothHoldFirst);
                lockA.lock();
                throw new AssertionError("unreachable: vdeadlock-b got both locks");
            }
        });
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DEADLINE_MILLIS);
        while (!(lockB.hasQueuedThread(a) && lockA.hasQueuedThread(b))) {
            checkDeadline(deadline, "vdeadlock lock: threads did not block");
        }
        awaitState(a, b, Thread.State.WAITING, "vdeadlock lock");
    }

    /**
     * A cycle of three virtual threads on monitors ("vcycle-1" waits for 2's, 2 for 3's, 3 for 1's); returns
     * once all are BLOCKED.
     */
    public static void cycleOfThree() throws InterruptedException {
        final Object[] monitors = {new Object(), new Object(), new Object()};
        final CountDownLatch allHoldFirst = new CountDownLatch(3);
        Thread[] threads = new Thread[3];
        for (int i = 0; i < 3; i++) {
            final int k = i;
            threads[i] = start("vcycle-" + (i + 1), new Runnable() {
                @Override
                public void run() {
                    synchronized (monitors[k]) {
                        arrive(allHoldFirst);
                        synchronized (monitors[(k + 1) % 3]) {
                            throw new AssertionError("unreachable");
                        }
                    }
                }
            });
        }
        awaitState(threads[0], threads[1], Thread.State.BLOCKED, "vcycle");
        awaitState(threads[2], threads[2], Thread.State.BLOCKED, "vcycle");
    }

    /**
     * Two platform threads "pdeadlock-a"/"pdeadlock-b" deadlocked on monitors, and a virtual thread
     * "vchain" blocked on the monitor "pdeadlock-a" holds (a chain into a platform cycle: stuck, not in the cycle).
     */
    public static void chainIntoPlatformCycle() throws InterruptedException {
        final Object monitorA = new Object();
        final Object monitorB = new Object();
        final CountDownLatch bothHoldFirst = new CountDownLatch(2);
        Thread a = platform("pdeadlock-a", new Runnable() {
            @Override
            public void run() {
                synchronized (monitorA) {
                    arrive(bothHoldFirst);
                    synchronized (monitorB) {
                        throw new AssertionError("unreachable");
                    }
                }
            }
        });
        Thread b = platform("pdeadlock-b", new Runnable() {
            @Override
            public void run() {
                synchronized (monitorB) {
                    arrive(bothHoldFirst);
                    synchronized (monitorA) {
                        throw new AssertionError("unreachable");
                    }
                }
            }
        });
        awaitState(a, b, Thread.State.BLOCKED, "pdeadlock");
        Thread chained = start("vchain", new Runnable() {
            @Override
            public void run() {
                synchronized (monitorA) {
                    throw new AssertionError("unreachable");
                }
            }
        });
        awaitState(chained, chained, Thread.State.BLOCKED, "vchain");
    }

    /**
     * {@code count} virtual threads "vbusy-I" that sleep 20-200 ms, then take one of 16 shared monitors and
     * one of 16 shared ReentrantLocks for a moment, over and over: a busy, healthy virtual-thread application
     * (locks contended, never deadlocked). Returns once all have started.
     */
    public static void startBusy(int count) throws InterruptedException {
        startBusy(count, 20, 200);
    }

    /** As {@link #startBusy(int)}, each sleep lasting from {@code minSleepMillis} to {@code maxSleepMillis}. */
    public static void startBusy(int count, final int minSleepMillis, int maxSleepMillis) throws InterruptedException {
        final int sleepRange = Math.max(1, maxSleepMillis - minSleepMillis);
        final Object[] monitors = new Object[16];
        final ReentrantLock[] locks = new ReentrantLock[16];
        for (int i = 0; i < 16; i++) {
            monitors[i] = new Object();
            locks[i] = new ReentrantLock();
        }
        final CountDownLatch started = new CountDownLatch(count);
        busyStopped = false;
        synchronized (BUSY) {
            for (int i = 0; i < count; i++) {
                final int k = i;
                BUSY.add(start("vbusy-" + i, new Runnable() {
                    @Override
                    public void run() {
                        Random random = new Random(k);
                        started.countDown();
                        long sum = 0;
                        while (!busyStopped) {
                            try {
                                Thread.sleep(minSleepMillis + random.nextInt(sleepRange));
                            } catch (InterruptedException e) {
                                return;
                            }
                            synchronized (monitors[random.nextInt(16)]) {
                                sum += random.nextInt();
                            }
                            ReentrantLock lock = locks[random.nextInt(16)];
                            lock.lock();
                            try {
                                sum += random.nextInt();
                            } finally {
                                lock.unlock();
                            }
                            BUSY_ROUNDS.incrementAndGet();
                        }
                        if (sum == 42) {
                            System.err.print("");
                        }
                    }
                }));
            }
        }
        if (!started.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("vthreads: not all virtual threads started");
        }
    }

    public static void stopBusy() throws InterruptedException {
        synchronized (BUSY) {
            busyStopped = true;
            for (Thread t : BUSY) {
                t.join();
            }
            BUSY.clear();
        }
    }

    /**
     * Starves the virtual-thread scheduler: {@code spinners} virtual threads "vspin-I" that spin on the CPU
     * without ever blocking (each holds a carrier for good), then {@code waiters} virtual threads "vwait-I"
     * that wake every 10 ms: with as many spinners as carriers, the waiters stay queued.
     */
    public static void starve(int spinners, int waiters) {
        starveStopped = false;
        synchronized (STARVERS) {
            for (int i = 0; i < spinners; i++) {
                STARVERS.add(start("vspin-" + i, new Runnable() {
                    @Override
                    public void run() {
                        long x = 0;
                        while (!starveStopped) {
                            x += System.nanoTime() & 1;
                        }
                        if (x == 42) {
                            System.err.print("");
                        }
                    }
                }));
            }
            for (int i = 0; i < waiters; i++) {
                STARVERS.add(start("vwait-" + i, new Runnable() {
                    @Override
                    public void run() {
                        while (!starveStopped) {
                            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
                        }
                    }
                }));
            }
        }
    }

    public static void starveStop() throws InterruptedException {
        synchronized (STARVERS) {
            starveStopped = true;
            for (Thread t : STARVERS) {
                t.join();
            }
            STARVERS.clear();
        }
    }

    private static Thread platform(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void arrive(CountDownLatch latch) {
        latch.countDown();
        while (true) {
            try {
                latch.await();
                return;
            } catch (InterruptedException e) {
                // keep waiting
            }
        }
    }

    private static void awaitState(Thread a, Thread b, Thread.State state, String what) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DEADLINE_MILLIS);
        while (a.getState() != state || b.getState() != state) {
            checkDeadline(deadline, what + ": threads did not reach " + state);
        }
    }

    private static void checkDeadline(long deadline, String message) {
        if (System.nanoTime() - deadline > 0) {
            throw new IllegalStateException(message);
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
}
