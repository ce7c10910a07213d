package io.jvmhealth.agent.evidence;

import io.jvmhealth.agent.base.AgentLog;

import java.lang.management.LockInfo;
import java.lang.management.MonitorInfo;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A thread dump of every thread in the shape of HotSpot's {@code jstack} / {@code Thread.print}:
 * a "Found one Java-level deadlock" section first when there is one, then the featured threads
 * (the deadlocked ones, or the stalled evaluator), then all others; each with a header (name, id,
 * daemon, priority, state), {@code at} frames, {@code - locked}, {@code - waiting to lock},
 * {@code - waiting on}, {@code - parking to wait for} with the owner, and its locked ownable
 * synchronizers. Lock addresses are identity hash codes ({@code <0x...>}), as a Java API can give.
 *
 * <p>Bounded: threads are read in batches of {@link #BATCH} (so 10,000 threads never sit in memory
 * at once), with at most {@link #FEATURED_FRAMES} frames for featured threads and
 * {@link #FRAMES} for others (on JDK 8, which cannot bound the depth of a read with locks, frames
 * are cut when written), names cut at {@link #MAX_NAME} characters, and the whole text at
 * {@link #MAX_CHARS} characters: what is cut is said in the text (frames, and the states of the
 * threads not shown). Every line goes through {@link AgentLog#escape}: one line per line.
 * Batches are separate reads, so unlike jstack the dump is not one instant for all threads.
 */
final class ThreadDump {
    static final int BATCH = 256;
    static final int FRAMES = 24;
    static final int FEATURED_FRAMES = 64;
    static final int MAX_NAME = 200;
    static final int MAX_CHARS = 1024 * 1024;

    private static final Method DAEMON = method("isDaemon");
    private static final Method PRIORITY = method("getPriority");
    private static final Method INFO_WITH_DEPTH = infoWithDepth();

    private final ThreadMXBean threads;
    private final List<String> lines = new ArrayList<>();
    private int chars;
    private boolean full;

    private ThreadDump(ThreadMXBean threads) {
        this.threads = threads;
    }

    /**
     * @param featuredName a thread to show first by name (the evaluator for a stall), or null
     * @return the dump's lines, escaped
     */
    static List<String> of(ThreadMXBean threads, String title, String featuredName) {
        ThreadDump d = new ThreadDump(threads);
        d.write(title, featuredName);
        return d.lines;
    }

    private void write(String title, String featuredName) {
        boolean monitors = threads.isObjectMonitorUsageSupported();
        boolean synchronizers = threads.isSynchronizerUsageSupported();
        long[] all = threads.getAllThreadIds();
        long[] deadlocked = synchronizers ? threads.findDeadlockedThreads() : threads.findMonitorDeadlockedThreads();
        Set<Long> featured = new LinkedHashSet<>();
        if (deadlocked != null) {
            for (long id : deadlocked) {
                featured.add(id);
            }
        }
        line(title + ": " + all.length + " threads" + (deadlocked == null ? "" : ", " + deadlocked.length + " deadlocked"));
        line("");
        List<ThreadInfo> featuredInfos = new ArrayList<>();
        if (featuredName != null) {
            for (int from = 0; from < all.length && featuredInfos.isEmpty(); from += BATCH) {
                long[] batch = Arrays.copyOfRange(all, from, Math.min(all.length, from + BATCH));
                for (ThreadInfo info : threads.getThreadInfo(batch, 0)) {
                    if (info != null && featuredName.equals(info.getThreadName())) {
                        featured.add(info.getThreadId());
                    }
                }
            }
        }
        if (!featured.isEmpty()) {
            long[] ids = new long[featured.size()];
            int k = 0;
            for (long id : featured) {
                ids[k++] = id;
            }
            for (ThreadInfo info : read(ids, monitors, synchronizers, FEATURED_FRAMES)) {
                if (info != null) {
                    featuredInfos.add(info);
                }
            }
        }
        if (deadlocked != null && deadlocked.length > 0) {
            line("Found one Java-level deadlock:");
            line("=============================");
            for (ThreadInfo info : featuredInfos) {
                if (contains(deadlocked, info.getThreadId())) {
                    line(quoted(info.getThreadName()) + " #" + info.getThreadId() + ":");
                    LockInfo lock = info.getLockInfo();
                    line("  " + (info.getThreadState() == Thread.State.BLOCKED ? "waiting to lock monitor " : "waiting for ownable synchronizer ")
                            + lock(lock) + ",");
                    line("  which is held by " + quoted(info.getLockOwnerName()) + " #" + info.getLockOwnerId());
                }
            }
            line("");
        }
        for (ThreadInfo info : featuredInfos) {
            thread(info, FEATURED_FRAMES);
        }
        Map<Thread.State, Integer> notShown = new EnumMap<>(Thread.State.class);
        int notShownCount = 0;
        for (int from = 0; from < all.length; from += BATCH) {
            long[] batch = Arrays.copyOfRange(all, from, Math.min(all.length, from + BATCH));
            ThreadInfo[] infos = full ? threads.getThreadInfo(batch, 0) : read(batch, monitors, synchronizers, FRAMES);
            for (ThreadInfo info : infos) {
                if (info == null || featured.contains(info.getThreadId())) {
                    continue; // ended since, or already shown
                }
                if (!full) {
                    thread(info, FRAMES);
                }
                if (full) {
                    Integer n = notShown.get(info.getThreadState());
                    notShown.put(info.getThreadState(), n == null ? 1 : n + 1);
                    notShownCount++;
                }
            }
        }
        if (notShownCount > 0) {
            lines.add(AgentLog.escape("... " + notShownCount + " more threads not shown: the dump is bounded at " + MAX_CHARS
                    + " characters; their states: " + notShown));
        }
    }

    private ThreadInfo[] read(long[] ids, boolean monitors, boolean synchronizers, int depth) {
        if (INFO_WITH_DEPTH != null) {
            try {
                return (ThreadInfo[]) INFO_WITH_DEPTH.invoke(threads, ids, monitors, synchronizers, depth);
            } catch (ReflectiveOperationException | RuntimeException e) {
                // fall back to the JDK 8 call below
            }
        }
        return threads.getThreadInfo(ids, monitors, synchronizers);
    }

    private void thread(ThreadInfo info, int maxFrames) {
        StringBuilder h = new StringBuilder(96).append(quoted(info.getThreadName())).append(" #").append(info.getThreadId());
        Object daemon = call(DAEMON, info);
        if (Boolean.TRUE.equals(daemon)) {
            h.append(" daemon");
        }
        Object priority = call(PRIORITY, info);
        if (priority != null) {
            h.append(" prio=").append(priority);
        }
        Thread.State state = info.getThreadState();
        h.append(' ').append(state);
        if (info.isSuspended()) {
            h.append(" (suspended)");
        }
        if (info.isInNative()) {
            h.append(" (in native)");
        }
        line(h.toString());
        line("   java.lang.Thread.State: " + state + stateNote(info));
        StackTraceElement[] frames = info.getStackTrace();
        MonitorInfo[] locked = info.getLockedMonitors();
        int shown = Math.min(frames.length, maxFrames);
        for (int i = 0; i < shown; i++) {
            line("        at " + frames[i]);
            if (i == 0 && info.getLockInfo() != null) {
                String verb;
                if (state == Thread.State.BLOCKED) {
                    verb = "waiting to lock ";
                } else if (isPark(frames[0])) {
                    verb = "parking to wait for  ";
                } else {
                    verb = "waiting on ";
                }
                String owner = info.getLockOwnerName() == null ? "" : " owned by " + quoted(info.getLockOwnerName()) + " #" + info.getLockOwnerId();
                line("        - " + verb + lock(info.getLockInfo()) + owner);
            }
            for (MonitorInfo m : locked) {
                if (m.getLockedStackDepth() == i) {
                    line("        - locked " + lock(m));
                }
            }
        }
        if (frames.length > shown) {
            line("        ... " + (frames.length - shown) + " more frames not shown (at most " + maxFrames + " per thread)");
        } else if (frames.length == maxFrames && INFO_WITH_DEPTH != null) {
            line("        ... (the stack may be deeper: at most " + maxFrames + " frames are read per thread)");
        }
        LockInfo[] synchronizers = info.getLockedSynchronizers();
        if (synchronizers.length > 0) {
            line("");
            line("   Locked ownable synchronizers:");
            for (LockInfo s : synchronizers) {
                line("        - " + lock(s));
            }
        }
        line("");
    }

    private static String stateNote(ThreadInfo info) {
        switch (info.getThreadState()) {
            case BLOCKED:
                return " (on object monitor)";
            case WAITING:
            case TIMED_WAITING:
                StackTraceElement[] f = info.getStackTrace();
                return f.length > 0 && isPark(f[0]) ? " (parking)" : info.getLockInfo() != null ? " (on object monitor)" : "";
            default:
                return "";
        }
    }

    private static boolean isPark(StackTraceElement top) {
        return top.getMethodName().equals("park") && top.getClassName().endsWith("Unsafe");
    }

    private static String lock(LockInfo lock) {
        String hex = Integer.toHexString(lock.getIdentityHashCode()); // as %08x, without java.util.Formatter's regex
        return "<0x" + "00000000".substring(hex.length()) + hex + "> (a " + lock.getClassName() + ")";
    }

    private static String quoted(String name) {
        if (name == null) {
            return "\"?\"";
        }
        if (name.length() > MAX_NAME) {
            name = name.substring(0, MAX_NAME) + "...(name cut: " + name.length() + " characters)";
        }
        return "\"" + name + "\"";
    }

    private static boolean contains(long[] ids, long id) {
        for (long x : ids) {
            if (x == id) {
                return true;
            }
        }
        return false;
    }

    private void line(String text) {
        if (full) {
            return;
        }
        String escaped = AgentLog.escape(text);
        if (chars + escaped.length() + 1 > MAX_CHARS - 200) {
            full = true;
            return;
        }
        chars += escaped.length() + 1;
        lines.add(escaped);
    }

    private static Object call(Method m, ThreadInfo info) {
        if (m == null) {
            return null;
        }
        try {
            return m.invoke(info);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** ThreadInfo.isDaemon() and getPriority() exist from JDK 9; the agent is built for 8. */
    private static Method method(String name) {
        try {
            return ThreadInfo.class.getMethod(name);
        } catch (NoSuchMethodException | RuntimeException e) {
            return null;
        }
    }

    /** ThreadMXBean.getThreadInfo(long[], boolean, boolean, int) exists from JDK 10. */
    private static Method infoWithDepth() {
        try {
            return ThreadMXBean.class.getMethod("getThreadInfo", long[].class, boolean.class, boolean.class, int.class);
        } catch (NoSuchMethodException | RuntimeException e) {
            return null;
        }
    }
}
