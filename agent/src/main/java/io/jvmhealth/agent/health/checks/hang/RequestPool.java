package io.jvmhealth.agent.health.checks.hang;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One request pool as read once: which server and pool, its busy and maximum request threads, the requests (or
 * tasks) it has completed so far, where the figures came from, and what they cannot tell. {@code -1}: not known (a
 * server that does not track it): a pool without a busy count is never saturated, one without a completion count is
 * never judged hung ({@link RequestPoolJudge}). Immutable.
 */
public final class RequestPool {
    private final String server;
    private final String name;
    private final int busy;
    private final int max;
    private final long completed;
    private final String source;
    private final String note;

    /**
     * @param server    the server as the check names it ({@code tomcat})
     * @param name      the pool, unique within the server ({@code http-nio-8080})
     * @param source    where the figures were read ({@code MBean Tomcat:type=ThreadPool,name="http-nio-8080"})
     * @param note      what the figures cannot tell (no completion count, busy threads not tracked), or null
     */
    public RequestPool(String server, String name, int busy, int max, long completed, String source, String note) {
        this.server = server;
        this.name = name;
        this.busy = busy;
        this.max = max;
        this.completed = completed;
        this.source = source;
        this.note = note;
    }

    public String server() {
        return server;
    }

    public String name() {
        return name;
    }

    /** {@code server name}: the key a pool is judged under. */
    public String key() {
        return server + " " + name;
    }

    public int busy() {
        return busy;
    }

    public int max() {
        return max;
    }

    public long completed() {
        return completed;
    }

    public String source() {
        return source;
    }

    public String note() {
        return note;
    }

    /** For a check's details. */
    public Map<String, Object> details() {
        Map<String, Object> d = new LinkedHashMap<String, Object>();
        d.put("server", server);
        d.put("pool", name);
        d.put("busyThreads", busy);
        d.put("maxThreads", max);
        d.put("completed", completed);
        d.put("source", source);
        if (note != null) {
            d.put("note", note);
        }
        return d;
    }
}
