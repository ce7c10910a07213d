package io.jvmhealth.agent.http;

import io.jvmhealth.agent.health.Probe;
import io.jvmhealth.agent.health.Reply;
import io.jvmhealth.agent.health.Snapshot;
import io.jvmhealth.agent.health.SnapshotWriter;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Decides what to answer for one request target (path and query, as received), from the current
 * snapshot. Transport-independent: the connection layer parses request heads and writes the
 * answer's bytes; this class decides what they are. It does no MXBean work: everything comes from
 * the snapshot.
 *
 * <p>Paths: {@code /live}, {@code /ready}, {@code /started}, {@code /health} (JSON),
 * {@code /health/<check>} (one check; 404 for a name that is not a check), {@code /health/history},
 * {@code /metrics} (Prometheus text), {@code /} (the page for people, HTML: {@link Page}; queries
 * ignored). Query parameters: {@code verbose} (any value but {@code false} or {@code 0}) turns a
 * health answer into kube-apiserver style text; {@code exclude=<check>} (repeatable, at most
 * {@link #MAX_EXCLUDES}) leaves a check out of {@code /ready} and {@code /health}; anything else is
 * ignored. The status code never depends on {@code verbose}.
 *
 * <p>Cost: the four probe paths without a query are answered with bytes the evaluation prepared,
 * without allocating (the {@link Answer}s are made once per snapshot); verbose texts and per-check
 * bodies are prepared too; {@code ?exclude=} and {@code /metrics} build their answer per request
 * from the snapshot; the page is rendered once per snapshot, on the first request for it.
 */
final class Router {
    static final Answer NOT_FOUND = Answer.json(HttpStatus.NOT_FOUND, HttpStatus.NOT_FOUND_BODY);
    /** More {@code exclude=} parameters than this are ignored (a request head holds at most 8 KiB anyway). */
    static final int MAX_EXCLUDES = 64;

    /** The answers of the last snapshot seen, made once per snapshot so probes allocate nothing. */
    private static volatile Prepared prepared;

    private Router() {
    }

    /**
     * @param buf the request head; the target is {@code buf[from, to)}, starting with {@code /}
     * @param details whether this request may see reasons and details ({@code details} policy and token)
     */
    static Answer route(byte[] buf, int from, int to, boolean details, Snapshot snapshot, long nowNanos) {
        int pathEnd = to;
        int queryFrom = -1;
        int queryTo = to;
        for (int i = from; i < to; i++) {
            if (buf[i] == '#') {
                pathEnd = i;
                break;
            }
            if (buf[i] == '?') {
                pathEnd = i;
                queryFrom = i + 1;
                for (int j = queryFrom; j < to; j++) {
                    if (buf[j] == '#') {
                        queryTo = j;
                        break;
                    }
                }
                break;
            }
        }
        Endpoint endpoint = Endpoint.match(buf, from, pathEnd);
        if (endpoint != null && endpoint.probe != null && queryFrom < 0) {
            return prepared(snapshot).answer(endpoint.probe, details, snapshot, nowNanos);
        }
        Query query = queryFrom < 0 ? Query.NONE : Query.parse(buf, queryFrom, queryTo);
        if (endpoint == null) {
            if (Endpoint.isCheckPath(buf, from, pathEnd)) {
                return check(decode(buf, from + Endpoint.CHECK_PREFIX.length(), pathEnd), query.verbose, details, snapshot, nowNanos);
            }
            return NOT_FOUND;
        }
        if (endpoint == Endpoint.PAGE) {
            return Page.answer(snapshot, details, nowNanos); // the first call loads the page's classes
        }
        if (endpoint == Endpoint.METRICS) {
            return new Answer(HttpStatus.OK, Answer.METRICS, snapshot.metrics(details, nowNanos));
        }
        if (endpoint == Endpoint.HISTORY) {
            Reply history = query.verbose ? snapshot.historyText() : snapshot.history();
            return new Answer(history.code(), query.verbose ? Answer.TEXT : Answer.JSON, details ? history.fullBody() : history.briefBody());
        }
        Probe probe = endpoint.probe;
        Reply reply;
        if (!query.excluded.isEmpty() && probe.acceptsExclude()) {
            reply = SnapshotWriter.excluding(snapshot, probe, query.excluded, query.verbose, nowNanos);
        } else if (query.verbose) {
            reply = snapshot.text(probe, nowNanos);
        } else {
            return prepared(snapshot).answer(probe, details, snapshot, nowNanos);
        }
        byte[] body = details ? reply.fullBody() : reply.briefBody();
        return new Answer(reply.code(), query.verbose ? Answer.TEXT : Answer.JSON, body);
    }

    private static Answer check(String name, boolean verbose, boolean details, Snapshot snapshot, long nowNanos) {
        Reply reply = verbose ? snapshot.checkText(name, nowNanos) : snapshot.check(name, nowNanos);
        if (reply == null) {
            return NOT_FOUND;
        }
        return new Answer(reply.code(), verbose ? Answer.TEXT : Answer.JSON, details ? reply.fullBody() : reply.briefBody());
    }

    /** The endpoint whose path the target {@code buf[from, to)} names (query and fragment ignored), or null. */
    static Endpoint endpoint(byte[] buf, int from, int to) {
        int pathEnd = to;
        for (int i = from; i < to; i++) {
            if (buf[i] == '?' || buf[i] == '#') {
                pathEnd = i;
                break;
            }
        }
        return Endpoint.match(buf, from, pathEnd);
    }

    private static Prepared prepared(Snapshot snapshot) {
        Prepared p = prepared;
        if (p == null || p.snapshot != snapshot) {
            p = new Prepared(snapshot);
            prepared = p;
        }
        return p;
    }

    /** {@code %XX} decoded (as UTF-8); a malformed escape is kept as it is. */
    static String decode(byte[] buf, int from, int to) {
        boolean plain = true;
        for (int i = from; i < to && plain; i++) {
            plain = buf[i] != '%';
        }
        if (plain) {
            return new String(buf, from, to - from, StandardCharsets.US_ASCII);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(to - from);
        for (int i = from; i < to; i++) {
            int hi;
            int lo;
            if (buf[i] == '%' && i + 2 < to && (hi = hex(buf[i + 1])) >= 0 && (lo = hex(buf[i + 2])) >= 0) {
                out.write(hi << 4 | lo);
                i += 2;
            } else {
                out.write(buf[i]);
            }
        }
        return new String(out.toByteArray(), StandardCharsets.UTF_8);
    }

    private static int hex(byte b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        if (b >= 'a' && b <= 'f') {
            return b - 'a' + 10;
        }
        if (b >= 'A' && b <= 'F') {
            return b - 'A' + 10;
        }
        return -1;
    }

    /** The query parameters that change an answer; every other parameter is ignored. */
    static final class Query {
        static final Query NONE = new Query(false, Collections.<String>emptyList());

        final boolean verbose;
        final List<String> excluded;

        private Query(boolean verbose, List<String> excluded) {
            this.verbose = verbose;
            this.excluded = excluded;
        }

        static Query parse(byte[] buf, int from, int to) {
            boolean verbose = false;
            List<String> excluded = null;
            int start = from;
            while (start <= to) {
                int end = start;
                while (end < to && buf[end] != '&' && buf[end] != ';') {
                    end++;
                }
                int eq = start;
                while (eq < end && buf[eq] != '=') {
                    eq++;
                }
                String key = decode(buf, start, eq);
                if (key.equals("verbose")) {
                    String value = eq < end ? decode(buf, eq + 1, end) : "";
                    verbose = !value.equals("false") && !value.equals("0");
                } else if (key.equals("exclude") && eq + 1 < end) { // an empty name names nothing
                    if (excluded == null) {
                        excluded = new ArrayList<>();
                    }
                    if (excluded.size() < MAX_EXCLUDES) {
                        excluded.add(decode(buf, eq + 1, end));
                    }
                }
                start = end + 1;
            }
            return new Query(verbose, excluded == null ? Collections.<String>emptyList() : excluded);
        }
    }

    /** One snapshot's probe answers as {@link Answer} objects: fresh (full, brief) and stale. */
    private static final class Prepared {
        final Snapshot snapshot;
        final Reply[] fresh = new Reply[Probe.values().length];
        final Answer[] full = new Answer[Probe.values().length];
        final Answer[] brief = new Answer[Probe.values().length];
        final Answer[] otherFull = new Answer[Probe.values().length];
        final Answer[] otherBrief = new Answer[Probe.values().length];

        Prepared(Snapshot snapshot) {
            this.snapshot = snapshot;
            for (Probe p : Probe.values()) {
                Reply r = snapshot.prepared(p);
                fresh[p.ordinal()] = r;
                full[p.ordinal()] = Answer.json(r.code(), r.fullBody());
                brief[p.ordinal()] = Answer.json(r.code(), r.briefBody());
            }
        }

        Answer answer(Probe probe, boolean details, Snapshot s, long nowNanos) {
            Reply r = s.reply(probe, nowNanos);
            int i = probe.ordinal();
            if (r == fresh[i]) {
                return details ? full[i] : brief[i];
            }
            // the stale answer: made once, when first needed
            Answer[] cache = details ? otherFull : otherBrief;
            Answer a = cache[i];
            if (a == null) {
                a = Answer.json(r.code(), details ? r.fullBody() : r.briefBody());
                cache[i] = a;
            }
            return a;
        }
    }
}
