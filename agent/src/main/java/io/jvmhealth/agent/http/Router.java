package io.jvmhealth.agent.http;

import io.jvmhealth.agent.health.Reply;
import io.jvmhealth.agent.health.Snapshot;

/**
 * Decides what to answer for one request target (path and query, as received), from the current
 * snapshot. Transport-independent: the connection layer parses request heads and writes the
 * answer's bytes; this class decides what they are. It does no MXBean work: everything comes from
 * the snapshot. The four probe paths without a query are answered with bytes the evaluation
 * prepared, without allocating.
 */
final class Router {
    static final Answer NOT_FOUND = Answer.json(404, ResponseWriter.NOT_FOUND_BODY);

    private Router() {
    }

    /**
     * @param buf the request head; the target is {@code buf[from, to)}, starting with {@code /}
     * @param details whether this request may see reasons and details ({@code details} policy and token)
     */
    static Answer route(byte[] buf, int from, int to, boolean details, Snapshot snapshot, long nowNanos) {
        Endpoint endpoint = endpoint(buf, from, to);
        if (endpoint == null) {
            return NOT_FOUND;
        }
        Reply reply = reply(endpoint, snapshot, nowNanos);
        return Answer.json(reply.code(), details ? reply.fullBody() : reply.briefBody());
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

    static Reply reply(Endpoint endpoint, Snapshot snapshot, long nowNanos) {
        switch (endpoint) {
            case LIVE:
                return snapshot.live(nowNanos);
            case READY:
                return snapshot.ready(nowNanos);
            case STARTED:
                return snapshot.started();
            case HEALTH:
            default:
                return snapshot.health(nowNanos);
        }
    }
}
