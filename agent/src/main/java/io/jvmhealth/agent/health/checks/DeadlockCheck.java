package io.jvmhealth.agent.health.checks;

import io.jvmhealth.agent.base.AgentInstrumentation;
import io.jvmhealth.agent.base.AgentLog;
import io.jvmhealth.agent.config.Settings;
import io.jvmhealth.agent.health.CheckResult;
import io.jvmhealth.agent.health.CheckType;
import io.jvmhealth.agent.health.MetricFamily;
import io.jvmhealth.agent.health.Publisher;
import io.jvmhealth.agent.health.UtcTime;
import io.jvmhealth.agent.health.checks.hang.VirtualDeadlockWatch;
import io.jvmhealth.agent.health.checks.hang.VirtualDeadlocks;
import io.jvmhealth.agent.health.checks.platform.VirtualThreadPresence;
import io.jvmhealth.agent.health.checks.platform.PlatformBeans;
import io.jvmhealth.agent.health.Role;
import io.jvmhealth.agent.health.HealthCheck;
import io.jvmhealth.agent.health.Status;

import java.lang.management.LockInfo;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Fails liveness when threads are deadlocked: a restart is the only cure. Platform threads through
 * {@link ThreadMXBean#findDeadlockedThreads()} (monitors and ownable synchronizers such as
 * {@code ReentrantLock}; monitors only where the JVM cannot track synchronizers), on the evaluator's thread as
 * always. Cycles that include a virtual thread, which ThreadMXBean does not see, through
 * {@link VirtualDeadlockWatch}: a search on a thread of its own, started only once the JVM has used virtual threads
 * ({@link VirtualThreadPresence}, 4 µs a look; on JDK 8 to 20 never asked), paced at 100 times its CPU cost; this check
 * reports the last completed search, which calls {@link Publisher#publishNow()} when its answer changes.
 * The report is bounded: at most {@link #MAX_THREADS} platform threads with {@link #MAX_FRAMES} frames each, and as
 * many virtual ones ({@code DeadlockReport}).
 */
public final class DeadlockCheck implements HealthCheck {
    public static final MetricFamily DEADLOCKED_THREADS = MetricFamily.gauge("jvmhealth_check_deadlocked_threads",
            "Threads deadlocked now (0 when none).");
    public static final CheckType TYPE = CheckType.named("deadlock").role(Role.LIVENESS)
            .summary("threads deadlocked on monitors or ownable synchronizers, virtual threads included where the JDK can tell:"
                    + " liveness (only a restart cures it)")
            .metrics(DEADLOCKED_THREADS)
            .create(new CheckType.Factory() {
                @Override
                public HealthCheck create(Settings settings) {
                    return new DeadlockCheck(PlatformBeans.threads(),
                            VirtualThreadPresence.jdkHasThem() ? new Searches(settings.intervalMillis) : null);
                }
            });

    static final int MAX_THREADS = 16;
    static final int MAX_FRAMES = 8;
    /** A thread's or a lock's name in the reason is cut at this many characters (names can be any length). */
    static final int MAX_NAME_CHARS = 100;
    /** The reason is cut at this many characters; the details name every reported thread. */
    static final int MAX_REASON_CHARS = 1000;
    /** The search is never repeated sooner than this, whatever the interval. */
    static final long MIN_SEARCH_SPACING_MILLIS = 1000;
    /** The keys of a virtual-thread deadlock's report that stand beside the platform threads' (the rest go under {@code virtualThreads}). */
    private static final String[] SHARED_KEYS = {"deadlockedThreads", "threads", "truncated"};

    /** The virtual-thread search as this check sees it; {@link Searches} is the real one. */
    interface VirtualSearches {
        /** False while this JVM has never used a virtual thread: nothing is searched, nothing started. */
        boolean used();

        /** Starts the search once (when used); the last completed search, or null before the first ended. */
        VirtualDeadlockWatch.Outcome latest(Publisher publisher);

        /** Why there is no search (its thread could not start, or ended), or null. */
        String problem();

        void close();
    }

    private final ThreadMXBean threads;
    private final boolean synchronizers;
    /** Null on a JDK without virtual threads: the check is then what it always was. */
    private final VirtualSearches virtual;
    private volatile Publisher publisher;

    /** Platform threads, and virtual threads on a JDK that has them (the search paced at no less than a second). */
    public DeadlockCheck(ThreadMXBean threads) {
        this(threads, VirtualThreadPresence.jdkHasThem() ? new Searches(MIN_SEARCH_SPACING_MILLIS) : null);
    }

    DeadlockCheck(ThreadMXBean threads, VirtualSearches virtual) {
        this.threads = threads;
        this.synchronizers = threads.isSynchronizerUsageSupported();
        this.virtual = virtual;
    }

    @Override
    public String name() {
        return TYPE.name();
    }

    /** A deadlock is a state that only a restart cures. */
    @Override
    public Role role() {
        return TYPE.role();
    }

    @Override
    public List<MetricFamily> metricFamilies() {
        return TYPE.metrics();
    }

    @Override
    public void publishTo(Publisher publisher) {
        this.publisher = publisher;
    }

    @Override
    public CheckResult evaluate() {
        long[] ids = synchronizers ? threads.findDeadlockedThreads() : threads.findMonitorDeadlockedThreads();
        int platform = ids == null ? 0 : ids.length;
        Object virtualDetail = null;
        VirtualDeadlocks.Result found = null;
        if (virtual != null) {
            if (!virtual.used()) {
                virtualDetail = "none used: not searched";
            } else {
                VirtualDeadlockWatch.Outcome outcome = virtual.latest(publisher);
                Map<String, Object> described = describe(outcome, virtual.problem(), System.nanoTime());
                if (outcome != null && outcome.deadlocked()) {
                    found = outcome.result;
                    for (Map.Entry<String, Object> e : found.report.entrySet()) {
                        if (!shared(e.getKey()) && !described.containsKey(e.getKey())) {
                            described.put(e.getKey(), e.getValue());
                        }
                    }
                }
                virtualDetail = described;
            }
        }
        if (platform == 0 && found == null) {
            Map<String, Object> details = new LinkedHashMap<>();
            if (!synchronizers) {
                details.put("scope", "monitors only: this JVM does not track ownable synchronizers");
            }
            if (virtualDetail != null) {
                details.put("virtualThreads", virtualDetail);
            }
            return CheckResult.healthy(details).with(0);
        }
        List<Object> described = new ArrayList<>();
        StringBuilder reason = new StringBuilder().append(platform + (found == null ? 0 : found.deadlockedThreads)).append(" threads deadlocked: ");
        boolean truncated = false;
        if (platform > 0) {
            long[] reported = ids.length > MAX_THREADS ? java.util.Arrays.copyOf(ids, MAX_THREADS) : ids;
            truncated = ids.length > reported.length;
            describePlatform(reported, described, reason);
        }
        if (found != null) {
            String theirs = found.reason;
            int colon = theirs.indexOf(": ");
            if (platform > 0) {
                reason.append("; ");
            }
            reason.append(colon >= 0 ? theirs.substring(colon + 2) : theirs);
            Object list = found.report.get("threads");
            if (list instanceof List) {
                described.addAll((List<?>) list);
            }
            truncated |= Boolean.TRUE.equals(found.report.get("truncated"));
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("deadlockedThreads", platform + (found == null ? 0 : found.deadlockedThreads));
        details.put("threads", described);
        if (truncated) {
            details.put("truncated", true);
        }
        if (virtualDetail != null) {
            details.put("virtualThreads", virtualDetail);
        }
        return CheckResult.of(Status.UNHEALTHY, bounded(reason), details).with(platform + (found == null ? 0 : found.deadlockedThreads));
    }

    static String bounded(CharSequence reason) {
        if (reason.length() <= MAX_REASON_CHARS) {
            return reason.toString();
        }
        return reason.subSequence(0, MAX_REASON_CHARS) + "... (cut: every thread is in the details)";
    }

    static String cut(String name) {
        return name == null || name.length() <= MAX_NAME_CHARS ? name : name.substring(0, MAX_NAME_CHARS) + "...";
    }

    private void describePlatform(long[] reported, List<Object> described, StringBuilder reason) {
        ThreadInfo[] infos = threads.getThreadInfo(reported, MAX_FRAMES);
        boolean first = true;
        for (ThreadInfo info : infos) {
            if (info == null) {
                continue; // the thread ended between the two calls
            }
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("name", info.getThreadName());
            t.put("id", info.getThreadId());
            t.put("state", String.valueOf(info.getThreadState()));
            LockInfo lock = info.getLockInfo();
            String lockName = lock == null ? String.valueOf(info.getLockName()) : lock.getClassName() + "@" + Integer.toHexString(lock.getIdentityHashCode());
            t.put("waitingFor", lockName);
            t.put("heldBy", info.getLockOwnerName());
            t.put("heldById", info.getLockOwnerId());
            List<Object> stack = new ArrayList<>();
            for (StackTraceElement frame : info.getStackTrace()) {
                stack.add(frame.toString());
            }
            t.put("stack", stack);
            described.add(t);
            if (!first) {
                reason.append("; ");
            }
            first = false;
            reason.append('"').append(cut(info.getThreadName())).append("\" waits for ").append(cut(lockName))
                    .append(" held by \"").append(cut(info.getLockOwnerName())).append('"');
        }
    }

    private static boolean shared(String key) {
        for (String k : SHARED_KEYS) {
            if (k.equals(key)) {
                return true;
            }
        }
        return false;
    }

    /** The {@code virtualThreads} detail: when the last search ended, what it cost, what it saw. */
    static Map<String, Object> describe(VirtualDeadlockWatch.Outcome outcome, String problem, long now) {
        Map<String, Object> d = new LinkedHashMap<>();
        if (problem != null) {
            d.put("problem", problem);
        }
        if (outcome == null) {
            if (problem == null) {
                d.put("lastSearch", "none completed yet: the first is under way");
            }
            return d;
        }
        d.put("lastSearch", UtcTime.iso(outcome.endedEpochMillis));
        d.put("secondsAgo", Math.max(0, (now - outcome.endedNanos) / 1_000_000_000L));
        d.put("searches", outcome.searches);
        d.put("cpuMillis", Math.round(outcome.cpuNanos / 1e5) / 10.0);
        d.put("wallMillis", Math.round(outcome.wallNanos / 1e5) / 10.0);
        d.put("everySeconds", Math.round(outcome.spacingNanos / 1e8) / 10.0);
        if (outcome.problem != null) {
            d.put("lastSearchFailed", outcome.problem);
        }
        if (outcome.result != null) {
            for (Map.Entry<String, Object> e : outcome.result.facts.entrySet()) {
                if (!e.getKey().equals("searches")) {
                    d.put(e.getKey(), e.getValue());
                }
            }
        }
        return d;
    }

    @Override
    public void close() {
        if (virtual != null) {
            virtual.close();
        }
    }

    /**
     * The real search: {@link VirtualDeadlockWatch} started the first time it is asked after the JVM has used virtual
     * threads, with the JVM's instrumentation (to open the JDK's internals to the agent alone), and closed with the check.
     */
    static final class Searches implements VirtualSearches {
        private final long minSpacingNanos;
        private VirtualDeadlockWatch watch;
        private String problem;
        private boolean closed;

        Searches(long intervalMillis) {
            this.minSpacingNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(MIN_SEARCH_SPACING_MILLIS, intervalMillis));
        }

        @Override
        public boolean used() {
            return VirtualThreadPresence.used();
        }

        @Override
        public synchronized VirtualDeadlockWatch.Outcome latest(final Publisher publisher) {
            if (watch == null && problem == null && !closed) {
                try {
                    watch = VirtualDeadlockWatch.start(AgentInstrumentation.get(), minSpacingNanos, new Runnable() {
                        @Override
                        public void run() {
                            if (publisher != null) {
                                publisher.publishNow();
                            }
                        }
                    });
                } catch (Throwable e) {
                    problem = "the search thread could not be started: " + AgentLog.describe(e);
                }
            }
            if (watch == null) {
                return null;
            }
            if (problem == null && !watch.alive() && !closed) {
                problem = "the search thread ended (see the agent's log): the last search's answer is kept";
            }
            return watch.latest();
        }

        @Override
        public synchronized String problem() {
            return problem;
        }

        @Override
        public synchronized void close() {
            closed = true;
            if (watch != null) {
                watch.close();
            }
        }
    }
}
