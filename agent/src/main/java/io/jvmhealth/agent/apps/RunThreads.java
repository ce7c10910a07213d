package io.jvmhealth.agent.apps;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The threads inside one method, from their stacks: the Spring Boot gate's way where Spring's own readiness cannot be
 * read. Every thread's stack is read until one is found inside, then only those threads' stacks, until they have
 * left; each read {@link #FIRST_READ_MILLIS} after the last, the interval doubling to {@link #MAX_READ_MILLIS} (on
 * JDK 17 reading every thread's stack is a safepoint that stops the application's threads: docs/gates.md). A thread
 * that ended has left without a read.
 */
final class RunThreads {
    static final long FIRST_READ_MILLIS = 250;
    static final long MAX_READ_MILLIS = 4_000;

    /** What a {@link #poll} found. */
    enum Seen { UNDECIDED, NONE_INSIDE, LEFT }

    private final String className;
    private final String methodName;
    private final List<WeakReference<Thread>> inside = new ArrayList<WeakReference<Thread>>(1);
    private long lastRead;
    private long intervalMillis = FIRST_READ_MILLIS;
    private int reads;

    RunThreads(String className, String methodName) {
        this.className = className;
        this.methodName = methodName;
    }

    /**
     * Evaluator thread: {@link Seen#UNDECIDED} until the next read is due or while a thread is inside;
     * {@link Seen#NONE_INSIDE} when no thread was found inside (yet: none was before), {@link Seen#LEFT} once every
     * thread found inside has left.
     */
    Seen poll() {
        if (!inside.isEmpty()) {
            boolean alive = false;
            for (WeakReference<Thread> ref : inside) {
                Thread t = ref.get();
                alive |= t != null && t.isAlive();
            }
            if (!alive) {
                return Seen.LEFT;
            }
        }
        long now = System.nanoTime();
        if (lastRead != 0 && now - lastRead < intervalMillis * 1_000_000L) {
            return Seen.UNDECIDED;
        }
        lastRead = now;
        reads++;
        intervalMillis = Math.min(intervalMillis * 2, MAX_READ_MILLIS);
        if (inside.isEmpty()) {
            for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
                if (e.getKey() != Thread.currentThread() && isInside(e.getValue())) {
                    inside.add(new WeakReference<Thread>(e.getKey()));
                }
            }
            return inside.isEmpty() ? Seen.NONE_INSIDE : Seen.UNDECIDED;
        }
        for (WeakReference<Thread> ref : inside) {
            Thread t = ref.get();
            if (t != null && t.isAlive() && isInside(t.getStackTrace())) {
                return Seen.UNDECIDED;
            }
        }
        return Seen.LEFT;
    }

    /** Whether a thread was ever found inside. */
    boolean seenInside() {
        return !inside.isEmpty();
    }

    /** Stack reads so far (tests, details). */
    int reads() {
        return reads;
    }

    private boolean isInside(StackTraceElement[] stack) {
        for (StackTraceElement e : stack) {
            if (className.equals(e.getClassName()) && methodName.equals(e.getMethodName())) {
                return true;
            }
        }
        return false;
    }
}
