package io.jvmhealth.agent.health.checks.hang;

import java.io.OutputStream;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.locks.AbstractOwnableSynchronizer;
import java.util.concurrent.locks.LockSupport;

/**
 * The JDK internals the virtual-thread deadlock search reads. Never loaded by the agent's own class loader:
 * {@link ThreadInternals} defines it in a loader of its own, whose unnamed module is the only one that
 * {@code java.base} opens {@code jdk.internal.vm} and {@code java.util.concurrent.locks} to. It refers to no other
 * agent class, so it resolves entirely against the JDK.
 *
 * <p>{@code apply("walk:N")}: every thread the JDK tracks ({@code ThreadContainers}: the platform threads and, with
 * {@code jdk.trackAllThreads} true, the default, every virtual thread); the candidates for a deadlock are described,
 * at most N of them: threads BLOCKED on a monitor, and threads parked without a timeout (WAITING, not TIMED_WAITING:
 * a {@code tryLock} with a timeout ends by itself) on an {@code AbstractOwnableSynchronizer} ({@code ReentrantLock},
 * {@code ReentrantReadWriteLock}'s write lock, ...) whose exclusive owner is another thread.
 * Only those are snapshotted ({@code jdk.internal.vm.ThreadSnapshot}, JDK 25+: the monitor a thread is blocked on
 * and the monitors it holds, as objects; one handshake per candidate): a deadlock is made of such threads only, so
 * no other thread need be looked at. A row: {@code {tid, name, virtual, state, blockedOn, parkBlocker, park owner tid,
 * park owner name, park owner virtual, String[] monitors held, String[] top frames, waitingOn}}, objects named as the
 * JDK's thread dump names them ({@code class@identityHash}); returns {@code {Long threads, Long virtualThreads,
 * Long blockedVirtual, List<Object[]> rows, long[] blockedVirtualIds, Boolean snapshots, Long candidates}}.
 * {@code apply(OutputStream)}: {@code jdk.internal.vm.ThreadDumper.dumpThreadsToJson} into it (JDK 25 takes the stream; a JDK
 * whose method takes a {@code PrintStream} gets one around it; without either, {@code UnsupportedOperationException}).
 */
public final class InternalsCall implements java.util.function.Function<Object, Object> {
    private static final int MAX_BLOCKED_IDS = 4096;
    private static final int MAX_FRAMES = 8;
    private static final int MAX_HELD = 64;

    private final Method root;
    private final Method threads;
    private final Method children;
    private final Method owner;
    private final Method isVirtual;
    private final Method dump;
    /** ThreadSnapshot (JDK 25+), or null. */
    private final Method snapshotOf;
    private Method snapshotBlockedOn;
    private Method snapshotWaitingOn;
    private Method snapshotStack;
    private Method snapshotHeldAt;

    public InternalsCall() throws Exception {
        Class<?> containers = Class.forName("jdk.internal.vm.ThreadContainers");
        Class<?> container = Class.forName("jdk.internal.vm.ThreadContainer");
        root = containers.getMethod("root");
        threads = container.getMethod("threads");
        children = container.getMethod("children");
        owner = AbstractOwnableSynchronizer.class.getDeclaredMethod("getExclusiveOwnerThread");
        owner.setAccessible(true);
        isVirtual = Thread.class.getMethod("isVirtual");
        dump = dumpMethod();
        Method of = null;
        try {
            Class<?> snapshot = Class.forName("jdk.internal.vm.ThreadSnapshot");
            of = snapshot.getDeclaredMethod("of", Thread.class);
            snapshotBlockedOn = snapshot.getDeclaredMethod("blockedOn");
            snapshotWaitingOn = snapshot.getDeclaredMethod("waitingOn");
            snapshotStack = snapshot.getDeclaredMethod("stackTrace");
            snapshotHeldAt = snapshot.getDeclaredMethod("ownedMonitorsAt", int.class);
            of.setAccessible(true);
            snapshotBlockedOn.setAccessible(true);
            snapshotWaitingOn.setAccessible(true);
            snapshotStack.setAccessible(true);
            snapshotHeldAt.setAccessible(true);
        } catch (ClassNotFoundException | NoSuchMethodException e) {
            of = null; // JDK 21 to 24: no lock information for virtual threads
        }
        snapshotOf = of;
    }

    @Override
    public Object apply(Object what) {
        try {
            if (what instanceof OutputStream) {
                if (dump == null) {
                    throw new UnsupportedOperationException("this JDK's ThreadDumper writes no JSON dump to a stream");
                }
                dump.invoke(null, dump.getParameterTypes()[0] == OutputStream.class ? what
                        : new java.io.PrintStream((OutputStream) what, false, "UTF-8"));
                return null;
            }
            String command = (String) what;
            if (command.startsWith("walk:")) {
                return walk(Integer.parseInt(command.substring(5)));
            }
            throw new IllegalArgumentException(command);
        } catch (java.lang.reflect.InvocationTargetException e) {
            Throwable cause = e.getCause();
            throw new IllegalStateException(String.valueOf(cause), cause);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e.toString(), e);
        }
    }

    /** {@code dumpThreadsToJson(OutputStream)} (JDK 25), else one taking a {@code PrintStream}; null when neither exists. */
    private static Method dumpMethod() {
        try {
            Class<?> dumper = Class.forName("jdk.internal.vm.ThreadDumper");
            for (Class<?> param : new Class<?>[] {OutputStream.class, java.io.PrintStream.class}) {
                try {
                    Method m = dumper.getDeclaredMethod("dumpThreadsToJson", param);
                    m.setAccessible(true);
                    return m;
                } catch (NoSuchMethodException e) {
                    // try the next
                }
            }
        } catch (ClassNotFoundException | RuntimeException e) {
            // none
        }
        return null;
    }

    private Object[] walk(int maxRows) throws Exception {
        List<Object[]> rows = new ArrayList<Object[]>();
        long[] blockedIds = new long[16];
        int blocked = 0;
        long all = 0;
        long virtual = 0;
        long candidates = 0;
        List<Object> todo = new ArrayList<Object>();
        todo.add(root.invoke(null));
        while (!todo.isEmpty()) {
            Object container = todo.remove(todo.size() - 1);
            Iterator<?> it = ((java.util.stream.Stream<?>) threads.invoke(container)).iterator();
            while (it.hasNext()) {
                Thread t = (Thread) it.next();
                all++;
                boolean v = Boolean.TRUE.equals(isVirtual.invoke(t));
                Thread.State state = t.getState();
                if (v) {
                    virtual++;
                    if (state == Thread.State.BLOCKED && blocked < MAX_BLOCKED_IDS) {
                        if (blocked == blockedIds.length) {
                            blockedIds = java.util.Arrays.copyOf(blockedIds, blocked * 2);
                        }
                        blockedIds[blocked++] = t.getId();
                    }
                }
                Thread parkOwner = null;
                Object blocker = null;
                if (state == Thread.State.WAITING) { // a timed wait (tryLock with a timeout) ends by itself: no deadlock
                    blocker = LockSupport.getBlocker(t);
                    if (blocker instanceof AbstractOwnableSynchronizer) {
                        parkOwner = (Thread) owner.invoke(blocker);
                    }
                    if (parkOwner == t) {
                        parkOwner = null;
                    }
                }
                if (state != Thread.State.BLOCKED && parkOwner == null) {
                    continue;
                }
                candidates++;
                if (rows.size() < maxRows) {
                    rows.add(row(t, v, state, blocker, parkOwner));
                }
            }
            Iterator<?> more = ((java.util.stream.Stream<?>) children.invoke(container)).iterator();
            while (more.hasNext()) {
                todo.add(more.next());
            }
        }
        return new Object[] {all, virtual, (long) blocked, rows, java.util.Arrays.copyOf(blockedIds, blocked), snapshotOf != null, candidates};
    }

    private Object[] row(Thread t, boolean v, Thread.State state, Object blocker, Thread parkOwner) throws Exception {
        String blockedOn = null;
        String waitingOn = null;
        String[] held = new String[0];
        String[] frames = null;
        Object snapshot = snapshotOf == null ? null : snapshotOf.invoke(null, t);
        if (snapshot != null) {
            Thread.State now = t.getState();
            StackTraceElement[] stack = (StackTraceElement[]) snapshotStack.invoke(snapshot);
            frames = new String[Math.min(MAX_FRAMES, stack.length)];
            for (int i = 0; i < frames.length; i++) {
                frames[i] = stack[i].toString();
            }
            try {
                blockedOn = identity(snapshotBlockedOn.invoke(snapshot));
            } catch (java.lang.reflect.InvocationTargetException e) {
                blockedOn = null; // not BLOCKED when the snapshot was taken
            }
            try {
                waitingOn = identity(snapshotWaitingOn.invoke(snapshot));
            } catch (java.lang.reflect.InvocationTargetException e) {
                waitingOn = null;
            }
            List<String> locks = new ArrayList<String>();
            for (int depth = 0; depth < stack.length && locks.size() < MAX_HELD; depth++) {
                Iterator<?> at = ((java.util.stream.Stream<?>) snapshotHeldAt.invoke(snapshot, depth)).iterator();
                while (at.hasNext()) {
                    Object lock = at.next();
                    if (lock != null) {
                        locks.add(identity(lock));
                    }
                }
            }
            held = locks.toArray(new String[0]);
            if (now != state) {
                state = now;
            }
        } else if (parkOwner != null) {
            StackTraceElement[] stack = t.getStackTrace();
            frames = new String[Math.min(MAX_FRAMES, stack.length)];
            for (int i = 0; i < frames.length; i++) {
                frames[i] = stack[i].toString();
            }
        }
        return new Object[] {t.getId(), t.getName(), v, state.name(), blockedOn, parkOwner == null ? null : identity(blocker),
                parkOwner == null ? -1L : parkOwner.getId(), parkOwner == null ? null : parkOwner.getName(),
                parkOwner != null && Boolean.TRUE.equals(isVirtual.invoke(parkOwner)), held, frames, waitingOn};
    }

    /** As the JDK's thread dump names an object: {@code Objects.toIdentityString}. */
    private static String identity(Object o) {
        return o == null ? null : o.getClass().getName() + "@" + Integer.toHexString(System.identityHashCode(o));
    }
}
