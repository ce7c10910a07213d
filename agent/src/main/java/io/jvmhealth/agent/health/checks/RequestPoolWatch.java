package io.jvmhealth.agent.health.checks;

import io.jvmhealth.agent.base.AgentLog;
import io.jvmhealth.agent.health.checks.hang.PoolThreads;
import io.jvmhealth.agent.health.checks.hang.RequestPool;
import io.jvmhealth.agent.health.checks.hang.RequestPoolJudge;
import io.jvmhealth.agent.health.checks.hang.RequestPools;
import io.jvmhealth.agent.health.checks.hang.Verdict;
import io.jvmhealth.agent.jmx.JmxAccess;
import io.jvmhealth.agent.jmx.JmxReader;

import javax.management.MBeanServer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The recognized servers' request pools, read and judged for {@code hang} (liveness) and {@code request-pool}
 * (readiness), which share one watch: both call {@link #update}, which judges the latest reading once and queues the
 * next read. The read runs on the {@link JmxReader} (the servers' getters are the application's code: a getter that
 * blocks costs one reader thread, not the evaluator); the evaluator thread only takes its result, so the figures a
 * verdict rests on are one interval old at most. MBeans are read only once the application has created its
 * MBeanServer ({@link JmxAccess#serverExists}); without one, the pools found through their threads are read.
 *
 * <p>Each pool is judged alone by a {@link RequestPoolJudge} (any completion, a free thread, or a gap longer than
 * the budget plus three intervals starts it afresh); the worst pool decides. A read that has not returned within
 * the budget is never a verdict: the pools' samples stop, so no pool can be hung by it, and the details say so.
 */
public final class RequestPoolWatch {
    private final List<RequestPools> sources;
    private final JmxAccess access;
    private final JmxReader reader;
    private final long hangAfterNanos;
    private final long notReadyAfterNanos;
    private final long maxGapNanos;
    private final long submitEveryNanos;
    private final Map<String, RequestPoolJudge> judges = new LinkedHashMap<String, RequestPoolJudge>();
    private final Runnable read = new Runnable() {
        @Override
        public void run() {
            readNow();
        }
    };

    /** Evaluator thread only: the pools of the latest reading judged. */
    private List<RequestPool> pools = Collections.emptyList();
    private long readMicros = -1;
    private long judgedSequence;
    private long lastSubmitNanos;
    private String failure;

    private volatile Reading latest;
    private volatile boolean inFlight;
    private volatile long startedNanos;
    private volatile boolean mbeansAllowed;
    private long sequence;

    /** One read's outcome (immutable). */
    private static final class Reading {
        final long sequence;
        final long nanos;
        final List<RequestPool> pools;
        final String failure;
        /** How long the read took, in microseconds of wall time (its cost, for the details). */
        final long micros;

        Reading(long sequence, long nanos, List<RequestPool> pools, String failure, long micros) {
            this.sequence = sequence;
            this.nanos = nanos;
            this.pools = pools;
            this.failure = failure;
            this.micros = micros;
        }
    }

    /** When a reading was taken (the system's nanoTime; a test's own clock). */
    interface Clock {
        long nanoTime();
    }

    private static final Clock SYSTEM = new Clock() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }
    };

    private final Clock clock;

    public RequestPoolWatch(List<RequestPools> sources, JmxAccess access, JmxReader reader, long hangAfterMillis,
                            long notReadyAfterMillis, long intervalMillis) {
        this(sources, access, reader, hangAfterMillis, notReadyAfterMillis, intervalMillis, SYSTEM);
    }

    RequestPoolWatch(List<RequestPools> sources, JmxAccess access, JmxReader reader, long hangAfterMillis,
                     long notReadyAfterMillis, long intervalMillis, Clock clock) {
        this.clock = clock;
        this.sources = Collections.unmodifiableList(new ArrayList<RequestPools>(sources));
        this.access = access;
        this.reader = reader;
        this.hangAfterNanos = TimeUnit.MILLISECONDS.toNanos(hangAfterMillis);
        this.notReadyAfterNanos = TimeUnit.MILLISECONDS.toNanos(notReadyAfterMillis);
        this.maxGapNanos = 3 * TimeUnit.MILLISECONDS.toNanos(intervalMillis) + reader.budgetNanos();
        this.submitEveryNanos = TimeUnit.MILLISECONDS.toNanos(intervalMillis) / 2;
    }

    /** The servers whose pools are sought ({@code tomcat}, ...). */
    public List<String> servers() {
        List<String> names = new ArrayList<String>();
        for (RequestPools s : sources) {
            names.add(s.server());
        }
        return names;
    }

    /** Evaluator thread: judges a reading not judged yet, and queues the next read (one at a time). */
    public void update(long now) {
        Reading r = latest;
        if (r != null && r.sequence != judgedSequence) {
            judgedSequence = r.sequence;
            failure = r.failure;
            readMicros = r.micros;
            if (r.failure == null) {
                judge(r);
            }
        }
        reader.maintain(now);
        if (!inFlight && (lastSubmitNanos == 0 || now - lastSubmitNanos >= submitEveryNanos)) {
            lastSubmitNanos = now == 0 ? 1 : now;
            mbeansAllowed = access.serverExists(now);
            inFlight = true;
            startedNanos = 0;
            reader.submit(read);
        }
    }

    private void judge(Reading r) {
        for (RequestPool p : r.pools) {
            RequestPoolJudge j = judges.get(p.key());
            if (j == null) {
                j = new RequestPoolJudge(hangAfterNanos, notReadyAfterNanos, maxGapNanos);
                judges.put(p.key(), j);
            }
            j.sample(r.nanos, p.busy(), p.max(), p.completed());
        }
        for (Iterator<Map.Entry<String, RequestPoolJudge>> it = judges.entrySet().iterator(); it.hasNext(); ) {
            String key = it.next().getKey();
            boolean seen = false;
            for (RequestPool p : r.pools) {
                seen |= p.key().equals(key);
            }
            if (!seen) {
                it.remove(); // the pool is gone (its server stopped): its history with it
            }
        }
        pools = r.pools;
    }

    /** True while no pool has been found (the checks are then left out of the snapshot). */
    public boolean nothingFound() {
        return pools.isEmpty();
    }

    /** The pools of the latest reading judged, in the order read. */
    public List<RequestPool> pools() {
        return pools;
    }

    /** The judge of a pool of {@link #pools()}. */
    public RequestPoolJudge judge(RequestPool pool) {
        return judges.get(pool.key());
    }

    /** The pool judged worst at {@code now} (hung, then not ready, then saturated; else the first), or null. */
    public RequestPool worst(long now) {
        RequestPool worst = null;
        int worstRank = -1;
        for (RequestPool p : pools) {
            RequestPoolJudge j = judges.get(p.key());
            int rank = j == null ? 0 : j.hung(now) ? 3 : j.verdict(now) == Verdict.UNHEALTHY ? 2 : j.verdict(now) == Verdict.DEGRADED ? 1 : 0;
            if (rank > worstRank) {
                worst = p;
                worstRank = rank;
            }
        }
        return worst;
    }

    /**
     * Details shared by both checks: every pool with its figures and how long it has been stalled, the thresholds, how
     * long the latest read took ({@code readMicros}, on the reader thread), and the read's trouble if any.
     */
    public Map<String, Object> details(long now) {
        Map<String, Object> d = new LinkedHashMap<String, Object>();
        List<Object> list = new ArrayList<Object>(pools.size());
        for (RequestPool p : pools) {
            Map<String, Object> pd = p.details();
            RequestPoolJudge j = judges.get(p.key());
            pd.put("stalledSeconds", j == null ? 0 : j.stalledFor(now) / 1_000_000_000L);
            list.add(pd);
        }
        d.put("pools", list);
        d.put("hangAfterSeconds", hangAfterNanos / 1_000_000_000L);
        d.put("notReadyAfterSeconds", notReadyAfterNanos / 1_000_000_000L);
        d.put("readMicros", readMicros);
        long started = startedNanos;
        if (inFlight && started != 0 && now - started > reader.budgetNanos()) {
            d.put("read", "the pools' read has not returned after " + TimeUnit.NANOSECONDS.toMillis(now - started)
                    + " ms (budget " + TimeUnit.NANOSECONDS.toMillis(reader.budgetNanos()) + " ms): a getter blocks; no verdict rests on it");
        } else if (failure != null) {
            d.put("read", failure);
        }
        return d;
    }

    /** True while a read is queued or running (tests wait on it). */
    boolean reading() {
        return inFlight;
    }

    /** Stops the reader (shared with the rules: closing it twice is harmless); the checks are not used afterwards. */
    public void close() {
        reader.close();
    }

    /** On a reader thread. */
    private void readNow() {
        long now = clock.nanoTime();
        long wall = System.nanoTime();
        startedNanos = now == 0 ? 1 : now;
        List<RequestPool> found = new ArrayList<RequestPool>();
        String why = null;
        try {
            MBeanServer server = mbeansAllowed ? access.server() : null;
            PoolThreads threads = new PoolThreads();
            for (RequestPools source : sources) {
                try {
                    source.read(server, threads, found);
                } catch (Throwable e) {
                    why = "reading " + source.server() + "'s request pools failed: " + AgentLog.describe(e);
                }
            }
        } catch (Throwable e) {
            why = "reading the request pools failed: " + AgentLog.describe(e);
        }
        long seq;
        synchronized (this) {
            seq = ++sequence;
        }
        latest = new Reading(seq, clock.nanoTime(), Collections.unmodifiableList(found), found.isEmpty() ? why : null,
                (System.nanoTime() - wall) / 1000);
        inFlight = false;
    }
}
