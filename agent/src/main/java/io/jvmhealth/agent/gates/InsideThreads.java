package io.jvmhealth.agent.gates;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The threads inside one method, watched by their stacks where no advice can report their return: they entered it
 * before the advice existed (a method gate installed late), or nothing is instrumented (Spring Boot's gate where
 * Spring keeps no readiness state). Each poll asks whether they ended (a typical main ends right after its start
 * method returns: seen without a read). Their stacks are read rarely: reading another thread's stack is a VM operation
 * at a global safepoint on JDK 17 (a handshake with that thread from JDK 19 on), which stops every application
 * thread, and a thread inside a start method runs nearly all the time (Spring's main in 144 of 145 polls). So every
 * {@code readMillis}, which doubles from read to read up to {@link #MAX_READ_MILLIS} while a thread runs, and at
 * most {@link #READ_MILLIS} apart once none runs (a main that waits after its start is seen soon). Not thread-safe:
 * one owner (the evaluator thread, or under its owner's lock).
 */
public final class InsideThreads {
    public static final long READ_MILLIS = 250;
    public static final long MAX_READ_MILLIS = 4_000;

    private final String className;
    private final String methodName;
    private final List<Thread> watched = new ArrayList<Thread>(1);
    /** When stacks were last read (nanoTime; 0: never), and the interval now. */
    private long lastRead;
    private long readMillis = READ_MILLIS;
    /** Stacks read so far (tests, details). */
    private int reads;

    public InsideThreads(String className, String methodName) {
        this.className = className;
        this.methodName = methodName;
    }

    /** Whether {@code stack} is inside the method. */
    public boolean isInside(StackTraceElement[] stack) {
        for (StackTraceElement e : stack) {
            if (className.equals(e.getClassName()) && methodName.equals(e.getMethodName())) {
                return true;
            }
        }
        return false;
    }

    /** Watches {@code threads}, found inside by a read just made. */
    public void watch(List<Thread> threads) {
        watched.addAll(threads);
        lastRead = System.nanoTime();
    }

    /** Whether threads found inside are watched (none has been, or all have left). */
    public boolean watching() {
        return !watched.isEmpty();
    }

    /**
     * True once every watched thread has left the method (or ended); none is watched from then on. False while one is
     * inside, or while the next read of their stacks is not due.
     */
    public boolean left() {
        boolean alive = false;
        boolean running = false;
        for (Thread t : watched) {
            if (t.isAlive()) {
                alive = true;
                running |= t.getState() == Thread.State.RUNNABLE;
            }
        }
        if (alive) {
            long now = System.nanoTime();
            long every = running ? readMillis : Math.min(readMillis, READ_MILLIS);
            if (lastRead != 0 && now - lastRead < every * 1_000_000L) {
                return false;
            }
            if (lastRead != 0) {
                readMillis = Math.min(readMillis * 2, MAX_READ_MILLIS);
            }
            lastRead = now;
            for (Thread t : watched) {
                if (t.isAlive()) {
                    reads++;
                    if (isInside(t.getStackTrace())) {
                        return false;
                    }
                }
            }
        }
        watched.clear();
        return true;
    }

    /**
     * With none watched: every thread's stack is read when a read is due (at once the first time, then as above, for
     * a thread that runs); those found inside are watched from then on. Null when no read was due, else whether one
     * was found.
     */
    public Boolean findInside() {
        long now = System.nanoTime();
        if (lastRead != 0 && now - lastRead < readMillis * 1_000_000L) {
            return null;
        }
        if (lastRead != 0) {
            readMillis = Math.min(readMillis * 2, MAX_READ_MILLIS);
        }
        lastRead = now;
        reads++;
        for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
            if (e.getKey() != Thread.currentThread() && isInside(e.getValue())) {
                watched.add(e.getKey());
            }
        }
        return watched.isEmpty() ? Boolean.FALSE : Boolean.TRUE;
    }

    /** Stacks read so far. */
    public int reads() {
        return reads;
    }
}
