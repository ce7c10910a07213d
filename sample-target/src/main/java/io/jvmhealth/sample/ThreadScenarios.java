package io.jvmhealth.sample;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Thread scenarios: steady CPU work, deadlocks and many parked threads. All threads are daemon
 * threads, the deadlocked ones too, so that {@code exit} always ends the JVM.
 */
final class ThreadScenarios {

    /** How long a command waits for its threads to reach the expected state before failing. */
    private static final long DEADLINE_MILLIS = 10_000;

    private static final List<Thread> SPAWNED = new ArrayList<Thread>();
    private static CountDownLatch spawnedRelease = new CountDownLatch(1);

    private ThreadScenarios() {
    }

    /** Garbage a worker cycle leaves behind, like a request handler would: ~25 MB/s in 4 KB arrays. */
    private static final int GARBAGE_PER_CYCLE = 128;
    static volatile byte[] lastGarbage;

    /**
     * Starts a daemon thread "sample-worker" hashing for ~1 ms out of every ~20 ms (~5% of a core)
     * and allocating short-lived garbage, so young collections happen as in a real service (and
     * after-GC statistics stay current).
     */
    static void startWorker() {
        final MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        Thread worker = new Thread(new Runnable() {
            @Override
            public void run() {
                byte[] data = new byte[4096];
                while (true) {
                    long busyUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1);
                    while (System.nanoTime() < busyUntil) {
                        digest.update(data);
                        byte[] hash = digest.digest();
                        System.arraycopy(hash, 0, data, 0, hash.length);
                    }
                    for (int i = 0; i < GARBAGE_PER_CYCLE; i++) {
                        lastGarbage = new byte[4096];
                    }
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(19));
                }
            }
        }, "sample-worker");
        worker.setDaemon(true);
        worker.start();
    }

    /**
     * "deadlock-a" holds monitor A and wants B, "deadlock-b" holds B and wants A. The latch makes
     * both take their first monitor before either asks for the second, so the deadlock is certain.
     * Returns once both threads are BLOCKED.
     */
    static void deadlockOnMonitors() throws InterruptedException {
        final Object monitorA = new Object();
        final Object monitorB = new Object();
        final CountDownLatch bothHoldFirst = new CountDownLatch(2);
        Thread a = daemon("deadlock-a", new Runnable() {
            @Override
            public void run() {
                synchronized (monitorA) {
                    bothHoldFirst.countDown();
                    awaitUninterruptibly(bothHoldFirst);
                    synchronized (monitorB) {
                        throw new AssertionError("unreachable: deadlock-a got both monitors");
                    }
                }
            }
        });
        Thread b = daemon("deadlock-b", new Runnable() {
            @Override
            public void run() {
                synchronized (monitorB) {
                    bothHoldFirst.countDown();
                    awaitUninterruptibly(bothHoldFirst);
                    synchronized (monitorA) {
                        throw new AssertionError("unreachable: deadlock-b got both monitors");
                    }
                }
            }
        });
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DEADLINE_MILLIS);
        while (a.getState() != Thread.State.BLOCKED || b.getState() != Thread.State.BLOCKED) {
            checkDeadline(deadline, "deadlock monitor: threads did not block");
        }
    }

    /**
     * The same with two ReentrantLocks. Returns once each thread is queued (WAITING) on the lock
     * the other one holds.
     */
    static void deadlockOnLocks() throws InterruptedException {
        final ReentrantLock lockA = new ReentrantLock();
        final ReentrantLock lockB = new ReentrantLock();
        final CountDownLatch bothHoldFirst = new CountDownLatch(2);
        Thread a = daemon("deadlock-a", new Runnable() {
            @Override
            public void run() {
                lockA.lock();
                bothHoldFirst.countDown();
                awaitUninterruptibly(bothHoldFirst);
                lockB.lock();
                throw new AssertionError("unreachable: deadlock-a got both locks");
            }
        });
        Thread b = daemon("deadlock-b", new Runnable() {
            @Override
            public void run() {
                lockB.lock();
                bothHoldFirst.countDown();
                awaitUninterruptibly(bothHoldFirst);
                lockA.lock();
                throw new AssertionError("unreachable: deadlock-b got both locks");
            }
        });
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DEADLINE_MILLIS);
        while (!(lockB.hasQueuedThread(a) && lockA.hasQueuedThread(b)
                && a.getState() == Thread.State.WAITING && b.getState() == Thread.State.WAITING)) {
            checkDeadline(deadline, "deadlock lock: threads did not block");
        }
    }

    /** Starts {@code count} daemon threads "sample-spawned-I" that park until {@link #stopSpawned()}. */
    static void startSpawned(int count) throws InterruptedException {
        final CountDownLatch started = new CountDownLatch(count);
        synchronized (SPAWNED) {
            final CountDownLatch release = spawnedRelease;
            for (int i = 0; i < count; i++) {
                Thread thread = new Thread(new Runnable() {
                    @Override
                    public void run() {
                        started.countDown();
                        awaitUninterruptibly(release);
                    }
                }, "sample-spawned-" + (SPAWNED.size() + 1));
                thread.setDaemon(true);
                thread.start();
                SPAWNED.add(thread);
            }
        }
        if (!started.await(DEADLINE_MILLIS, TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("threads: not all threads started");
        }
    }

    /** Releases all spawned threads and waits until they have ended. */
    static void stopSpawned() throws InterruptedException {
        synchronized (SPAWNED) {
            spawnedRelease.countDown();
            for (Thread thread : SPAWNED) {
                thread.join();
            }
            SPAWNED.clear();
            spawnedRelease = new CountDownLatch(1);
        }
    }

    private static Thread daemon(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        while (true) {
            try {
                latch.await();
                return;
            } catch (InterruptedException e) {
                // Keep waiting: these threads end only when released (or never, for deadlocks).
            }
        }
    }

    private static void checkDeadline(long deadline, String message) {
        if (System.nanoTime() - deadline > 0) {
            throw new IllegalStateException(message);
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
}
