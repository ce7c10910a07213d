package io.jvmhealth.agent.health.checks.hang;

import io.jvmhealth.agent.health.checks.platform.VirtualThreadPresence;

import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Deadlocks that include virtual threads, which {@code ThreadMXBean.findDeadlockedThreads} does not see (it
 * knows platform threads only). One {@link #evaluate} per evaluation interval, on the evaluator's thread, never
 * on a request; each step is paid only when the one before says so:
 * <ol>
 *   <li>Has this JVM ever used virtual threads ({@link VirtualThreadPresence}: one look at the system thread
 *       group's subgroups)? If not, nothing more.</li>
 *   <li>Where the JDK's internals can be opened ({@link ThreadInternals}): a walk over every thread the JDK tracks
 *       that describes only the deadlock candidates: threads BLOCKED on a monitor (the monitor and the monitors they
 *       hold from {@code ThreadSnapshot}, JDK 25+) and threads parked on a {@code java.util.concurrent} lock another
 *       thread owns (its owner from {@code getExclusiveOwnerThread}). A deadlock is made of such threads only.
 *       Paced like a dump: at most once per {@link DumpPacing#spacing()} (the search's CPU time times 100: measured on
 *       JDK 25, 15-50 ms with 10,000 busy virtual threads, 40-115 ms with 100,000, so a search every 1.5-5 s and
 *       every 4-12 s).</li>
 *   <li>Without the internals: the JSON thread dump through the public API into a private file ({@link DumpFile}),
 *       paced by its cost, bounded in bytes and threads (JDK 25+ names monitors there; JDK 25 no owner of a
 *       {@code java.util.concurrent} lock).</li>
 *   <li>A cycle is reported only when the same cycle (threads and locks) was also found by the previous search:
 *       neither a walk nor a dump is one instant for all threads, lock names are identity hash codes (which can
 *       collide), and a deadlock never ends, so waiting one search rules out a transient or a collision. A search that
 *       suspects a cycle is followed 200 ms later, not after the pacing's spacing ({@link #untilNext}), so a deadlock is
 *       confirmed a moment after it is first seen.</li>
 * </ol>
 * Where the JDK cannot tell (JDK 21 to 24: no monitor information for virtual threads; on 21 to 23 a virtual thread
 * blocked on a monitor pins its carrier, which ThreadMXBean may then see as a platform thread) {@link Result#cannotTell}
 * says so.
 */
public final class VirtualDeadlocks {
    static final int MAX_CANDIDATES = 4096;
    /** How soon a suspected cycle is looked at again: long enough for a transient to pass. */
    static final long CONFIRM_AFTER_NANOS = 200_000_000L;
    /** Waiting or holding threads a dump's graph keeps (the walk describes at most {@link #MAX_CANDIDATES}). */
    static final int MAX_KEPT = 8192;

    /** Where the searches get their facts; the real one is {@link #of}, tests give their own. */
    public interface Source {
        boolean virtualThreadsUsed();

        /** Null when the internals are not available. */
        ThreadInternals.Walk walk();

        /** The public JSON dump into {@code reader}; returns null, or why it could not. */
        String dump(ThreadDumpReader reader, long expectedThreads);

        /** The calling thread's CPU time in nanoseconds (what a search costs), or wall time where it cannot be had. */
        long cpuNanos();
    }

    /** What one search found. */
    public static final class Result {
        /** Null when no deadlock is confirmed. */
        public final String reason;
        /** The deadlock as {@link DeadlockReport} describes it ({@code deadlockedThreads}, {@code threads}, ...); empty when none. */
        public final Map<String, Object> report;
        /** What the search saw and how: virtual threads alive, candidates, searches, suspected cycles, what it cannot tell. */
        public final Map<String, Object> facts;
        /** {@link #report} and {@link #facts} in one map. */
        public final Map<String, Object> details;
        /** Threads in the confirmed deadlocks (0 when none). */
        public final int deadlockedThreads;
        /** Non-null when the JDK cannot tell deadlocks of some kind on this JVM: say it once. */
        public final String cannotTell;

        Result(String reason, Map<String, Object> report, Map<String, Object> facts, int deadlockedThreads, String cannotTell) {
            this.reason = reason;
            this.report = Collections.unmodifiableMap(report);
            this.facts = Collections.unmodifiableMap(facts);
            Map<String, Object> all = new LinkedHashMap<String, Object>(report);
            all.putAll(facts);
            this.details = Collections.unmodifiableMap(all);
            this.deadlockedThreads = deadlockedThreads;
            this.cannotTell = cannotTell;
        }

        public boolean deadlocked() {
            return reason != null;
        }
    }

    private final Source source;
    private final DumpPacing pacing;
    private final long maxBytes;
    private final int maxThreads;
    private Set<String> lastCycles = new HashSet<String>();
    /** The cycles of {@link #lastCycles} that were confirmed (seen twice in a row). */
    private Set<String> confirmedKeys;
    /** When the last search began. */
    private long lastStart;
    /** Whether the last search was a second look at a suspected cycle, sooner than the pacing allowed. */
    private boolean quick;
    private Result last;
    private long searches;
    private boolean internals = true;
    /** Why the internals' walk failed, once it did (the public dump is used from then on). */
    private String internalsFailed;
    /** The threads the last search saw (the free-space estimate of a dump), or a guess before the first. */
    private long lastThreads = 10_000;

    public VirtualDeadlocks(Source source, DumpPacing pacing, long maxBytes, int maxThreads) {
        this.source = source;
        this.pacing = pacing;
        this.maxBytes = maxBytes;
        this.maxThreads = maxThreads;
    }

    /** The real source: thread groups, the JDK's internals where they open, else the public file dump. */
    public static Source of(Instrumentation instrumentation) {
        final ThreadInternals internals = ThreadInternals.shared(instrumentation);
        return new Source() {
            @Override
            public boolean virtualThreadsUsed() {
                return VirtualThreadPresence.used();
            }

            @Override
            public ThreadInternals.Walk walk() {
                return internals == null ? null : internals.walk(MAX_CANDIDATES);
            }

            @Override
            public String dump(ThreadDumpReader reader, long expectedThreads) {
                return DumpFile.dumpInto(reader, expectedThreads);
            }

            @Override
            public long cpuNanos() {
                try {
                    java.lang.management.ThreadMXBean threads = io.jvmhealth.agent.health.checks.platform.PlatformBeans.threads();
                    if (threads.isCurrentThreadCpuTimeSupported()) {
                        long cpu = threads.getCurrentThreadCpuTime();
                        if (cpu >= 0) {
                            return cpu;
                        }
                    }
                } catch (RuntimeException e) {
                    // wall time below
                }
                return System.nanoTime();
            }
        };
    }

    public Result evaluate(long now) {
        if (!source.virtualThreadsUsed()) {
            Map<String, Object> facts = new LinkedHashMap<String, Object>();
            facts.put("live", "none used");
            return new Result(null, new LinkedHashMap<String, Object>(), facts, 0, null);
        }
        if (last != null && untilNext(now) > 0) {
            return last;
        }
        quick = last != null && !pacing.allowed(now); // a second look at a suspected cycle, before the pacing's time
        lastStart = now;
        Map<String, Object> details = new LinkedHashMap<String, Object>();
        long started = source.cpuNanos();
        WaitGraph graph;
        String from;
        String cannotTell = null;
        ThreadInternals.Walk walk = null;
        if (internals) {
            try {
                walk = source.walk();
            } catch (RuntimeException | LinkageError e) {
                internalsFailed = "the walk over the JDK's threads failed (" + e + "): the public thread dump is used instead";
            }
        }
        ThreadDumpReader reader = null;
        if (walk != null) {
            graph = new WaitGraph(maxThreads);
            for (Object[] row : walk.candidates) {
                add(graph, row);
            }
            lastThreads = walk.threads;
            from = "the JDK's thread snapshots of " + walk.candidates.size() + " deadlock candidates among " + walk.threads + " threads";
            details.put("live", walk.virtualThreads);
            details.put("candidates", walk.candidates.size());
            if (walk.candidatesNotDescribed > 0) {
                details.put("candidatesNotExamined", walk.candidatesNotDescribed);
            }
            if (!walk.monitors) {
                cannotTell = "this JDK (21 to 24) does not tell which monitor a virtual thread holds or waits for: deadlocks of"
                        + " virtual threads on monitors are not found (those on java.util.concurrent locks are)";
            }
        } else {
            internals = false;
            reader = new ThreadDumpReader(maxBytes, maxThreads, MAX_KEPT);
            String problem = source.dump(reader, lastThreads);
            graph = reader.graph();
            if (reader.threadsRead() > 0) {
                lastThreads = reader.threadsRead();
            }
            from = "JSON thread dump" + (reader.runtimeVersion() == null ? "" : " of JDK " + reader.runtimeVersion());
            details.put("ownersOfJavaUtilConcurrentLocks", "unknown for virtual threads: "
                    + (internalsFailed != null ? internalsFailed : ThreadInternals.unavailable()));
            if (problem != null) {
                details.put("notSearched", problem);
            } else if (!reader.lockInformation()) {
                cannotTell = "this JDK's thread dump (JDK 21 to 24) names no locks, and the JDK's internals are not available: deadlocks"
                        + " of virtual threads are not found";
            }
        }
        details.put("source", from);
        pacing.taken(now, source.cpuNanos() - started);
        searches++;
        details.put("searches", searches);
        List<WaitGraph.Cycle> confirmed = new ArrayList<WaitGraph.Cycle>();
        int suspected = 0;
        Set<String> keys = new HashSet<String>();
        for (WaitGraph.Cycle c : graph.cycles()) {
            if (!c.includesVirtual()) {
                continue; // ThreadMXBean reports platform-only cycles
            }
            keys.add(c.key());
            if (lastCycles.contains(c.key())) {
                confirmed.add(c);
            } else {
                suspected++;
            }
        }
        lastCycles = keys;
        Set<String> confirmedNow = new HashSet<String>();
        for (WaitGraph.Cycle c : confirmed) {
            confirmedNow.add(c.key());
        }
        confirmedKeys = confirmedNow;
        if (suspected > 0) {
            details.put("suspected", suspected + " cycle(s) found once: confirmed or dropped by the next search");
        }
        if (cannotTell != null) {
            details.put("cannotTell", cannotTell);
        }
        Result result;
        if (confirmed.isEmpty()) {
            result = new Result(null, new LinkedHashMap<String, Object>(), details, 0, cannotTell);
        } else {
            DeadlockReport report = reader != null ? DeadlockReport.of(reader, confirmed)
                    : DeadlockReport.of(graph, confirmed, from, -1, null);
            result = new Result(report.reason, report.details, details, report.deadlocked, cannotTell);
        }
        last = result;
        return result;
    }

    /** Whether the last search found a cycle it has not confirmed yet. */
    public boolean suspects() {
        for (String key : lastCycles) {
            if (confirmedKeys == null || !confirmedKeys.contains(key)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Nanoseconds until the next search is allowed: the pacing's; but a cycle suspected by a search that was not itself such
     * a second look is looked at again {@link #CONFIRM_AFTER_NANOS} after it (one extra search per suspicion at most: a
     * confirmed deadlock reaches {@code /live} a moment after it is first seen, not a whole spacing later).
     */
    public long untilNext(long now) {
        if (last == null) {
            return 0;
        }
        long paced = pacing.remaining(now);
        if (suspects() && !quick) {
            return Math.min(paced, Math.max(0, CONFIRM_AFTER_NANOS - (now - lastStart)));
        }
        return paced;
    }

    /** A candidate of the walk (see {@link ThreadInternals.Walk#candidates}) into the graph. */
    private static void add(WaitGraph graph, Object[] row) {
        DumpedThread t = new DumpedThread();
        t.tid = (Long) row[0];
        t.name = (String) row[1];
        t.virtual = (Boolean) row[2];
        t.state = (String) row[3];
        t.blockedOn = (String) row[4];
        t.parkBlocker = (String) row[5];
        t.waitingOn = (String) row[11];
        for (String held : (String[]) row[9]) {
            t.owns(held);
        }
        if (row[10] != null) {
            for (String frame : (String[]) row[10]) {
                t.frame(frame);
            }
        }
        graph.add(t);
        if (t.parkBlocker != null) {
            graph.parkOwner(t.parkBlocker, (Long) row[6], (String) row[7], (Boolean) row[8]);
        }
    }
}
