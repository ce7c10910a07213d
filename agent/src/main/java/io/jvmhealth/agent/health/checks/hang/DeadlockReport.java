package io.jvmhealth.agent.health.checks.hang;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The words and details of deadlocks found in a thread dump, in the shape {@code DeadlockCheck} reports
 * today ({@code deadlockedThreads}, {@code threads[]}: name, id, state, waitingFor, heldBy, heldById, stack),
 * with {@code virtual} per thread, the threads stuck behind a deadlock, and what the dump could not tell.
 * Bounded like it: at most {@link #MAX_THREADS} threads with {@link #MAX_FRAMES} frames each.
 */
final class DeadlockReport {
    static final int MAX_THREADS = 16;
    static final int MAX_FRAMES = 8;
    static final int MAX_STUCK = 16;

    final String reason;
    final Map<String, Object> details;
    final int deadlocked;

    private DeadlockReport(String reason, Map<String, Object> details, int deadlocked) {
        this.reason = reason;
        this.details = details;
        this.deadlocked = deadlocked;
    }

    /** The report of {@code cycles} found in {@code reader}'s graph; {@code reason} is null when there are none. */
    static DeadlockReport of(ThreadDumpReader reader, List<WaitGraph.Cycle> cycles) {
        return of(reader.graph(), cycles, "JSON thread dump" + (reader.runtimeVersion() == null ? "" : " of JDK " + reader.runtimeVersion()),
                reader.threadsRead(), reader.cutAt());
    }

    /**
     * The report of {@code cycles} found in {@code graph}.
     * @param source where the graph came from, for the details
     * @param threadsRead the threads the source described, or -1
     * @param cutAt where the source was cut, or null
     */
    static DeadlockReport of(WaitGraph graph, List<WaitGraph.Cycle> cycles, String source, int threadsRead, String cutAt) {
        Map<String, Object> details = new LinkedHashMap<String, Object>();
        int total = 0;
        for (WaitGraph.Cycle c : cycles) {
            total += c.threads.size();
        }
        details.put("deadlockedThreads", total);
        List<Object> described = new ArrayList<Object>();
        StringBuilder reason = new StringBuilder().append(total).append(" threads deadlocked: ");
        boolean first = true;
        for (WaitGraph.Cycle c : cycles) {
            for (DumpedThread t : c.threads) {
                if (described.size() >= MAX_THREADS) {
                    break;
                }
                DumpedThread holder = graph.holderOf(t);
                described.add(describe(t, holder));
                if (!first) {
                    reason.append("; ");
                }
                first = false;
                reason.append('"').append(t.name).append('"').append(t.virtual ? " (virtual)" : "").append(" waits for ")
                        .append(t.waitsFor()).append(" held by \"").append(holder == null ? "?" : holder.name).append('"');
            }
        }
        details.put("threads", described);
        if (total > described.size()) {
            details.put("truncated", true);
        }
        List<DumpedThread> stuck = graph.stuckBehind(cycles, MAX_STUCK);
        if (!stuck.isEmpty()) {
            List<Object> behind = new ArrayList<Object>();
            for (DumpedThread t : stuck) {
                behind.add(describe(t, graph.holderOf(t)));
            }
            details.put("stuckBehindDeadlock", behind);
        }
        details.put("source", source);
        if (threadsRead >= 0) {
            details.put("threadsRead", threadsRead);
        }
        if (cutAt != null) {
            details.put("dumpCut", "read up to " + cutAt + ": deadlocks among the threads not read are not found");
        }
        if (graph.dropped() > 0) {
            details.put("waitersNotKept", graph.dropped());
        }
        return new DeadlockReport(total == 0 ? null : reason.toString(), details, total);
    }

    private static Map<String, Object> describe(DumpedThread t, DumpedThread holder) {
        Map<String, Object> m = new LinkedHashMap<String, Object>();
        m.put("name", t.name);
        m.put("id", t.tid);
        m.put("virtual", t.virtual);
        m.put("state", t.state);
        m.put("waitingFor", t.waitsFor());
        m.put("lockKind", t.waitsForMonitor() ? "monitor" : "java.util.concurrent");
        m.put("heldBy", holder == null ? null : holder.name);
        m.put("heldById", holder == null ? -1L : holder.tid);
        List<Object> stack = new ArrayList<Object>();
        for (int i = 0; i < t.stack.size() && i < MAX_FRAMES; i++) {
            stack.add(t.stack.get(i));
        }
        m.put("stack", stack);
        if (t.frames > stack.size()) {
            m.put("framesNotShown", t.frames - stack.size());
        }
        return m;
    }
}
