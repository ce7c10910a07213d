package io.jvmhealth.agent.evidence;

import io.jvmhealth.agent.base.AgentThreads;
import io.jvmhealth.agent.health.UtcTime;
import io.jvmhealth.agent.base.AgentLog;
import io.jvmhealth.agent.config.InvalidOptionException;
import io.jvmhealth.agent.config.OptionSpec;
import io.jvmhealth.agent.base.AgentInstrumentation;
import io.jvmhealth.agent.health.checks.DeadlockCheck;
import io.jvmhealth.agent.health.checks.GcSpiralCheck;
import io.jvmhealth.agent.health.checks.HeapCheck;
import io.jvmhealth.agent.health.checks.hang.VirtualThreadDump;
import io.jvmhealth.agent.health.checks.platform.VirtualThreadPresence;
import io.jvmhealth.agent.health.CheckResult;
import io.jvmhealth.agent.health.Checked;
import io.jvmhealth.agent.health.Evaluator;
import io.jvmhealth.agent.health.History;
import io.jvmhealth.agent.health.Snapshot;
import io.jvmhealth.agent.health.Status;

import io.jvmhealth.agent.health.checks.platform.PlatformBeans;

import java.lang.management.ManagementFactory;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Evidence before the restart: when {@code /live} turns 503 (a liveness check observed unhealthy,
 * or the evaluation stalled) one thread dump of every thread; when {@code heap} turns unhealthy, or
 * {@code gc-spiral} fails liveness, a heap summary (one incident for both: the heap is what they are about). Once per incident (an incident ends when the condition is seen cleared) and at most
 * once every {@link #MIN_GAP_MILLIS} per kind; written by {@link EvidenceOutput}.
 *
 * <p>Off the evaluator's critical path: the evaluator's publish hook only decides (a few field
 * reads) and queues; the dump is taken and written on a {@code jvm-health-evidence} daemon thread
 * started for the job, which ends when the queue is empty (at most {@link #MAX_QUEUED} jobs wait).
 * A {@link Watchdog} notices a stall even when no request comes. {@link #close()} ends both threads.
 */
public final class Evidence implements Evaluator.Listener {
    /** {@code evidence}: {@code stderr} or {@code off}. */
    public static final OptionSpec EVIDENCE = OptionSpec.choice("evidence", "stderr",
            "`stderr` or `off`: thread dump / heap summary when liveness fails or heap turns unhealthy ([evidence.md](evidence.md))",
            "stderr", "off");
    /** {@code evidence.dir}: a folder, or none. */
    public static final OptionSpec EVIDENCE_DIR = OptionSpec.of("evidence.dir", null,
            "a folder where evidence is also written as files (owner-only, never overwritten, at most 20)", new OptionSpec.Parser() {
                @Override
                public Object parse(String key, String value, String origin) throws InvalidOptionException {
                    java.io.File f = new java.io.File(value);
                    if (value.isEmpty() || f.exists() && !f.isDirectory()) {
                        throw OptionSpec.bad(key, value, origin, "a folder (it is created when missing), such as /var/log/jvm-health");
                    }
                    return value;
                }
            });
    public static final List<OptionSpec> OPTIONS = Arrays.asList(EVIDENCE, EVIDENCE_DIR);

    public static final long MIN_GAP_MILLIS = 10 * 60 * 1000;
    static final int MAX_QUEUED = 4;
    public static final String THREAD_NAME = "evidence";
    private static final long JOIN_MILLIS = 2000;

    private final Incident live;
    private final Incident heap;
    private final String dir;
    /** Created on the evidence thread at the first write (reading the pid loads the runtime bean: not at start). */
    private EvidenceOutput output;
    private final long stallMillis;
    private final ArrayDeque<Job> queue = new ArrayDeque<>();
    private Thread writer;
    private boolean closed;
    private final Watchdog watchdog;
    /** For the transitions a stall's evidence repeats (the stalled evaluator still holds its last snapshot). */
    private final Evaluator watchdogEvaluator;

    /** Six attempts, the waits between them doubling from {@link #OOM_RETRY_MILLIS}: 31 s in all. */
    static final int OOM_ATTEMPTS = 6;
    static final long OOM_RETRY_MILLIS = 1000;

    private static final class Job {
        final String kind;
        final String reason;
        final String featured;
        final String heapReason;
        final List<History.Transition> transitions;
        /** The virtual threads the deadlock check names as deadlocked: shown first among the virtual threads. */
        final Set<Long> virtualDeadlocked;

        Job(String kind, String reason, String featured, String heapReason, List<History.Transition> transitions, Set<Long> virtualDeadlocked) {
            this.kind = kind;
            this.reason = reason;
            this.featured = featured;
            this.heapReason = heapReason;
            this.transitions = transitions;
            this.virtualDeadlocked = virtualDeadlocked;
        }
    }

    /** The last transitions an evidence block repeats (the whole history is at /health/history). */
    static final int TRANSITIONS_SHOWN = 20;

    Evidence(String dir, long intervalMillis, long minGapMillis, long watchMillis, Evaluator evaluator) {
        this.live = new Incident(TimeUnit.MILLISECONDS.toNanos(minGapMillis));
        this.heap = new Incident(TimeUnit.MILLISECONDS.toNanos(minGapMillis));
        this.dir = dir;
        this.stallMillis = Evaluator.stallMillis(intervalMillis);
        this.watchdog = evaluator == null ? null : new Watchdog(evaluator, this, watchMillis);
        this.watchdogEvaluator = evaluator;
    }

    /** Hooks evidence onto the evaluator's publications and starts the watchdog. */
    public static Evidence start(String dir, long intervalMillis, Evaluator evaluator) {
        Evidence e = new Evidence(dir, intervalMillis, MIN_GAP_MILLIS, Watchdog.PERIOD_MILLIS, evaluator);
        evaluator.setListener(e);
        e.startWatchdog();
        return e;
    }

    void startWatchdog() {
        watchdog.start();
    }

    /** On the evaluator thread, after each publication: decide and queue, nothing more. */
    @Override
    public void published(Snapshot snapshot) {
        long now = System.nanoTime();
        StringBuilder failing = null;
        Set<Long> virtualDeadlocked = Collections.emptySet();
        String heapReason = null;
        String heapCheck = null;
        for (Checked c : snapshot.checks()) {
            CheckResult r = c.result();
            boolean unhealthy = r.status() == Status.UNHEALTHY && !r.checkFailed();
            if (c.decidesLiveness() && unhealthy) {
                failing = (failing == null ? new StringBuilder() : failing.append("; ")).append(c.name()).append(": ").append(r.reason());
                if (c.name().equals(DeadlockCheck.TYPE.name())) {
                    virtualDeadlocked = virtualThreadIds(r);
                }
            }
            if (unhealthy && heapReason == null && (c.name().equals(HeapCheck.TYPE.name()) || c.name().equals(GcSpiralCheck.TYPE.name()))) {
                heapReason = r.reason();
                heapCheck = c.name();
            }
        }
        boolean failed = failing != null;
        decide(live, failed, now, failed ? "/live 503: " + failing : null, "liveness", null, null, snapshot.transitions(), virtualDeadlocked);
        decide(heap, heapReason != null, now, heapReason == null ? null : heapCheck + " unhealthy: " + heapReason, "heap", null,
                heapReason == null ? null : heapCheck + " check: " + heapReason, snapshot.transitions(), Collections.<Long>emptySet());
    }

    /** The ids of the virtual threads among the deadlock check's {@code threads} (its details say {@code virtual: true}). */
    static Set<Long> virtualThreadIds(CheckResult deadlock) {
        Object threads = deadlock.details().get("threads");
        if (!(threads instanceof List)) {
            return Collections.emptySet();
        }
        Set<Long> ids = new LinkedHashSet<Long>();
        for (Object t : (List<?>) threads) {
            if (t instanceof Map && Boolean.TRUE.equals(((Map<?, ?>) t).get("virtual")) && ((Map<?, ?>) t).get("id") instanceof Number) {
                ids.add(((Number) ((Map<?, ?>) t).get("id")).longValue());
            }
        }
        return ids;
    }

    /** From the watchdog: no evaluation has completed for the stall limit. */
    void stalled(long now) {
        decide(live, true, now, "/live 503: health evaluation stalled: no evaluation completed in the last " + stallMillis
                + "ms; the evaluator thread \"" + Evaluator.THREAD_NAME + "\" is shown first", "stall", Evaluator.THREAD_NAME, null,
                transitionsOf(watchdogEvaluator), Collections.<Long>emptySet());
    }

    private static List<History.Transition> transitionsOf(Evaluator evaluator) {
        Snapshot s = evaluator == null ? null : evaluator.current();
        return s == null ? java.util.Collections.<History.Transition>emptyList() : s.transitions();
    }

    private void decide(Incident incident, boolean failing, long now, String reason, String kind, String featured, String heapReason,
                        List<History.Transition> transitions, Set<Long> virtualDeadlocked) {
        Incident.Decision d = incident.observe(failing, now);
        if (d == Incident.Decision.WRITE) {
            submit(new Job(kind, reason, featured, heapReason, transitions, virtualDeadlocked));
        } else if (d == Incident.Decision.SKIP_RATE) {
            AgentLog.info("evidence not written for " + reason + ": the last was written "
                    + TimeUnit.NANOSECONDS.toSeconds(incident.sinceLastWrittenNanos(now)) + " s ago (at most one every "
                    + MIN_GAP_MILLIS / 60_000 + " minutes)");
        }
    }

    private synchronized void submit(Job job) {
        if (closed || queue.size() >= MAX_QUEUED) {
            return;
        }
        queue.add(job);
        if (writer == null) {
            Thread t = AgentThreads.create(THREAD_NAME, new Runnable() {
                @Override
                public void run() {
                    drain();
                }
            }, null);
            writer = t;
            try {
                t.start();
            } catch (Throwable e) {
                writer = null;
                queue.clear();
                AgentLog.warn("evidence not written: cannot start its thread: " + e);
            }
        }
    }

    private void drain() {
        while (true) {
            Job job;
            synchronized (this) {
                job = queue.poll();
                if (job == null || closed) {
                    writer = null;
                    return;
                }
            }
            try {
                writeRetryingOnFullHeap(job);
            } catch (Throwable e) {
                AgentLog.warn("evidence for " + job.reason + " not written: " + e);
            }
        }
    }

    /**
     * A heap summary is wanted exactly when the heap is full, and building it allocates: an
     * OutOfMemoryError here is usually over a moment later (the application drops what it was
     * building, a collection runs), though in a death spiral the application's threads keep the heap full
     * for longer. So the job is tried again, {@link #OOM_ATTEMPTS} times in all, 1, 2, 4, 8 and 16 s apart,
     * on this writer thread; nothing is printed before the whole block is built, so a failed attempt leaves
     * no partial block on stderr (with {@code evidence.dir}, a file written before the failure is written
     * again under the next free name).
     */
    private void writeRetryingOnFullHeap(Job job) {
        for (int attempt = 1; ; attempt++) {
            try {
                write(job);
                return;
            } catch (OutOfMemoryError e) {
                if (attempt >= OOM_ATTEMPTS || closed) {
                    throw e;
                }
                java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(OOM_RETRY_MILLIS << (attempt - 1)));
            }
        }
    }

    private void write(Job job) {
        if (output == null) {
            output = new EvidenceOutput(dir, pid());
        }
        long epoch = System.currentTimeMillis();
        String title = " (jvm-health agent, pid " + output.pid() + ", " + UtcTime.iso(epoch) + ")";
        List<String> lines;
        if (job.kind.equals("heap")) {
            lines = HeapSummary.of("Heap summary" + title, job.heapReason, PlatformBeans.memory(),
                    PlatformBeans.memoryPools(), PlatformBeans.garbageCollectors());
        } else {
            lines = ThreadDump.of(PlatformBeans.threads(), "Full thread dump" + title, job.featured);
            if (VirtualThreadPresence.used()) {
                // ThreadMXBean knows platform threads only: the virtual ones from the JDK's own dump, the deadlocked first
                lines = new java.util.ArrayList<String>(lines);
                lines.add("");
                lines.addAll(VirtualThreadDump.lines(AgentInstrumentation.get(), job.virtualDeadlocked));
            }
        }
        if (!job.transitions.isEmpty()) {
            lines = new java.util.ArrayList<String>(lines);
            int from = Math.max(0, job.transitions.size() - TRANSITIONS_SHOWN);
            lines.add("");
            lines.add("Recent transitions (the last " + (job.transitions.size() - from) + " of /health/history, oldest first):");
            for (History.Transition t : job.transitions.subList(from, job.transitions.size())) {
                lines.add(AgentLog.escape("  " + UtcTime.isoMillis(t.epochMillis()) + " " + t.check() + " " + t.from() + " -> " + t.to()
                        + (t.reason() == null ? "" : ": " + t.reason())));
            }
        }
        output.write(job.kind, job.reason, lines, epoch);
    }

    /** Ends the watchdog and the evidence thread (waits briefly for each). */
    public void close() {
        Thread w;
        synchronized (this) {
            closed = true;
            queue.clear();
            w = writer;
        }
        if (watchdog != null) {
            watchdog.stop();
        }
        if (w != null) {
            w.interrupt();
            try {
                w.join(JOIN_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static String pid() {
        String name = ManagementFactory.getRuntimeMXBean().getName(); // "pid@host" on HotSpot
        int at = name.indexOf('@');
        return at > 0 ? name.substring(0, at) : "unknown";
    }
}
