package io.jvmhealth.agent.health;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The last status transitions of this agent, oldest first, bounded: at most {@link #MAX_ENTRIES}
 * entries (the oldest go first) and each reason cut at {@link #MAX_REASON_CHARS} characters, so the
 * history never holds more than about 100 KB whatever the host does. A transition is a check's status
 * changing (a gate passing is one), an answer of a path changing ({@code /ready} 200 to 503), the
 * agent's start and the JVM's shutdown. Written by the evaluator (and a shutdown hook), under the
 * evaluator's publishing lock; a snapshot holds an immutable view of it ({@link #entries()}) and its
 * serialized answers.
 */
public final class History {
    public static final int MAX_ENTRIES = 256;
    public static final int MAX_REASON_CHARS = 300;

    /** One transition. Immutable. */
    public static final class Transition {
        private final long epochMillis;
        private final String check;
        private final String from;
        private final String to;
        private final String reason;

        public Transition(long epochMillis, String check, String from, String to, String reason) {
            this.epochMillis = epochMillis;
            this.check = check;
            this.from = from;
            this.to = to;
            this.reason = reason == null ? null
                    : reason.length() > MAX_REASON_CHARS ? reason.substring(0, MAX_REASON_CHARS) + "..." : reason;
        }

        public long epochMillis() {
            return epochMillis;
        }

        /** The check's name, a path ({@code /ready}) or {@code agent}. */
        public String check() {
            return check;
        }

        public String from() {
            return from;
        }

        public String to() {
            return to;
        }

        /** Null when none. */
        public String reason() {
            return reason;
        }
    }

    private final Transition[] ring = new Transition[MAX_ENTRIES];
    private int next;
    private int count;
    private long total;
    private List<Transition> view = Collections.emptyList();
    /** The serialized answers of {@link #view}, made again only after a change. */
    private Reply reply;
    private Reply text;

    /** Adds a transition (the caller holds the evaluator's publishing lock). */
    void add(Transition t) {
        ring[next] = t;
        next = (next + 1) % ring.length;
        count = Math.min(count + 1, ring.length);
        total++;
        view = null;
        reply = null;
        text = null;
    }

    /** {@code /health/history} as of now (serialized once per change). */
    Reply reply() {
        if (reply == null) {
            reply = reply(entries(), total);
        }
        return reply;
    }

    /** {@code /health/history?verbose} as of now (serialized once per change). */
    Reply text() {
        if (text == null) {
            text = text(entries());
        }
        return text;
    }

    /** How many transitions were ever added (more than {@link #entries()} holds once the oldest went). */
    long total() {
        return total;
    }

    /** The entries, oldest first: an immutable list, made again only after a change. */
    List<Transition> entries() {
        if (view == null) {
            List<Transition> list = new ArrayList<Transition>(count);
            for (int i = count; i >= 1; i--) {
                list.add(ring[Math.floorMod(next - i, ring.length)]);
            }
            view = Collections.unmodifiableList(list);
        }
        return view;
    }

    /** {@code /health/history}: {@code {"total":N,"transitions":[{"time","check","from","to","reason"?}]}}; brief: no reasons. */
    static Reply reply(List<Transition> entries, long total) {
        return new Reply(Reply.OK, json(entries, total, true), json(entries, total, false));
    }

    /** {@code /health/history?verbose}: one line per transition, oldest first ({@code time check from -> to: reason}). */
    static Reply text(List<Transition> entries) {
        return new Reply(Reply.OK, lines(entries, true), lines(entries, false));
    }

    private static byte[] json(List<Transition> entries, long total, boolean full) {
        JsonBytes g = new JsonBytes(64 + entries.size() * (full ? 160 : 80));
        g.startObject();
        g.field("total").number(total);
        g.field("transitions").startArray();
        for (Transition t : entries) {
            g.startObject();
            g.field("time").string(UtcTime.isoMillis(t.epochMillis));
            g.field("check").string(t.check);
            g.field("from").string(t.from);
            g.field("to").string(t.to);
            if (full && t.reason != null) {
                g.field("reason").string(t.reason);
            }
            g.endObject();
        }
        g.endArray();
        g.endObject();
        return g.toByteArray();
    }

    private static byte[] lines(List<Transition> entries, boolean full) {
        StringBuilder b = new StringBuilder(32 + entries.size() * 96);
        for (Transition t : entries) {
            b.append(UtcTime.isoMillis(t.epochMillis)).append(' ').append(SnapshotWriter.oneLine(t.check)).append(' ')
                    .append(t.from).append(" -> ").append(t.to);
            if (full && t.reason != null) {
                b.append(": ").append(SnapshotWriter.oneLine(t.reason));
            }
            b.append('\n');
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }
}
