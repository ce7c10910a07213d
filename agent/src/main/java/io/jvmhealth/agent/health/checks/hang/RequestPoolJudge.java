package io.jvmhealth.agent.health.checks.hang;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Judges a server's request pool hung: every request thread busy ({@code busy >= max}) and no request completed for
 * {@code hangAfter} -> {@link #hung}: liveness (a restart is what ends requests blocked forever, e.g. reading from a
 * downstream that never answers, with no timeout). Any completion resets it; a pool with a free thread is not hung; a
 * pool busy but completing requests is never hung, however long it stays busy. While saturated without completions
 * for {@code notReadyAfter}, {@link #verdict} is {@link Verdict#UNHEALTHY} (readiness: it serves nobody new); busy
 * while completing is {@link Verdict#DEGRADED}.
 *
 * <p>The completion count is whatever the server counts (Tomcat's {@code GlobalRequestProcessor.requestCount} or its
 * executor's {@code completedTaskCount}, Jetty's {@code StatisticsHandler} requests, Undertow's
 * {@code CompletedTaskCount} with jboss-threads statistics on); any change of it counts as a completion (a counter
 * reset too). Without a count ({@code -1}) a pool is never judged hung: busy threads alone cannot tell a hang from
 * long requests. A gap between samples longer than {@code maxGap} starts afresh. Pure: the caller samples.
 */
public final class RequestPoolJudge {
    private final long hangAfter;
    private final long notReadyAfter;
    private final long maxGap;
    private long since = -1;
    private long lastSample = -1;
    private long lastCompleted = -1;
    private boolean counted;
    private int busy;
    private int max;
    private long completed = -1;

    public RequestPoolJudge(long hangAfterNanos, long notReadyAfterNanos, long maxGapNanos) {
        this.hangAfter = hangAfterNanos;
        this.notReadyAfter = notReadyAfterNanos;
        this.maxGap = maxGapNanos;
    }

    /** One reading at {@code now}: busy and maximum request threads, completions so far ({@code -1}: not counted). */
    public void sample(long now, int busy, int max, long completed) {
        boolean saturated = max > 0 && busy >= max;
        boolean continuous = lastSample >= 0 && now - lastSample <= maxGap;
        boolean progressed = completed >= 0 && lastCompleted >= 0 && completed != lastCompleted;
        if (!saturated || progressed || !continuous || completed < 0 || since < 0) {
            since = saturated && completed >= 0 ? now : -1;
        }
        counted = completed >= 0;
        lastCompleted = completed;
        lastSample = now;
        this.busy = busy;
        this.max = max;
        this.completed = completed;
    }

    /** How long every thread has been busy with no completion, in nanoseconds; 0 when not so. */
    public long stalledFor(long now) {
        if (since < 0 || lastSample < 0 || now - lastSample > maxGap) {
            return 0;
        }
        return lastSample - since;
    }

    /** Liveness: hung for {@code hangAfter}. */
    public boolean hung(long now) {
        return counted && since >= 0 && stalledFor(now) >= hangAfter;
    }

    /** Readiness: busy and completing -> degraded; busy with no completion for {@code notReadyAfter} -> unhealthy. */
    public Verdict verdict(long now) {
        if (lastSample < 0 || now - lastSample > maxGap || max <= 0 || busy < max) {
            return Verdict.OK;
        }
        return counted && stalledFor(now) >= notReadyAfter ? Verdict.UNHEALTHY : Verdict.DEGRADED;
    }

    public String reason(long now) {
        if (hung(now) || verdict(now) == Verdict.UNHEALTHY) {
            return "all " + max + " request threads busy and no request completed for " + stalledFor(now) / 1_000_000_000L + "s"
                    + (hung(now) ? " (hung after " + hangAfter / 1_000_000_000L + "s)" : " (not ready after " + notReadyAfter / 1_000_000_000L + "s)");
        }
        return "all " + max + " request threads busy" + (counted ? ", requests still completing" : " (completions not counted: never judged hung)");
    }

    public Map<String, Object> details(long now) {
        Map<String, Object> d = new LinkedHashMap<String, Object>();
        d.put("busyThreads", busy);
        d.put("maxThreads", max);
        d.put("completed", completed);
        d.put("stalledSeconds", stalledFor(now) / 1_000_000_000L);
        return d;
    }
}
