package io.jvmhealth.agent.health;

import io.jvmhealth.agent.base.AgentLog;
import io.jvmhealth.agent.base.AgentThreads;
import io.jvmhealth.agent.base.SupervisedThread;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs every check on one daemon thread each interval and publishes the resulting {@link Snapshot}.
 *
 * <p>Guarantees: a check that throws is reported unhealthy with the failure as its reason (and never
 * fails liveness); nothing a check does can end the evaluation loop; if the thread dies anyway, it is
 * replaced; each change of a check's status is logged once. When no evaluation completes for
 * {@link #STALL_INTERVALS} intervals (and at least {@link #MIN_STALL_MILLIS}), the published
 * snapshot answers "stalled" by itself.
 *
 * <p>Startup gates ({@link Role#STARTUP} checks): a gate that passes once is latched (and, unless it
 * {@link HealthCheck#judgesReadinessOncePassed() keeps judging readiness}, no longer evaluated).
 * "Started" is the first evaluation done and every gate passed; it is latched too. While a gate is
 * pending, the pending gates are polled every {@link #GATE_POLL_MILLIS} (sooner when one asks: {@link HealthCheck#pollMillis()}), and a gate that sees its
 * condition met at any other moment (an instrumented method returning) calls {@link #publishNow()}:
 * either way a full evaluation is published at once, not at the next interval. The checks are told of the start
 * ({@link HealthCheck#started()}) as the next scheduled evaluation begins, not in that prompt one.
 *
 * <p>Applications that stop serving while the JVM lives on: a passed gate that keeps judging readiness and
 * declares a {@link HealthCheck#watchMillis() watch} is asked at that period whether its application still serves;
 * a change either way publishes a full evaluation at once (the watch is edge-triggered: an application that stays
 * stopped costs no evaluation beyond the interval's). A gate that sees the stop on the application's own thread
 * ({@link #stoppedServing}) publishes it on that thread before the application goes on stopping.
 */
public final class Evaluator implements Publisher {
    /** Intervals without a completed evaluation before {@code /live} reports a stall. */
    public static final int STALL_INTERVALS = 3;
    /**
     * The stall limit is never shorter than this, so that with a very short {@code interval} a GC
     * pause or a starved CPU cannot fail liveness: a wrong liveness answer restarts a healthy pod.
     */
    public static final long MIN_STALL_MILLIS = 5000;
    private static final int MAX_RESTARTS = 10;
    /** How often pending startup gates are polled until every gate has passed, unless one asks for less ({@link HealthCheck#pollMillis()}). */
    public static final long GATE_POLL_MILLIS = 25;
    /** The shortest poll a pending gate may ask for. */
    public static final long MIN_GATE_POLL_MILLIS = 5;
    /** The poll the pending gates asked for at the last poll (evaluator thread). */
    private long gatePollNanos = TimeUnit.MILLISECONDS.toNanos(GATE_POLL_MILLIS);
    /** The evaluator thread's name (evidence of a stall shows its stack first). */
    public static final String THREAD_NAME = AgentThreads.PREFIX + "evaluator";

    private final CheckFactory factory;
    private final long intervalMillis;
    private final long intervalNanos;
    private volatile List<HealthCheck> checks = Collections.emptyList();
    private SnapshotWriter writer;
    private boolean checksCreated;
    private final Map<String, Status> lastStatus = new HashMap<>();
    /** Gates that have passed, with the result they passed with (evaluator thread only). */
    private final Map<String, CheckResult> passedGates = new HashMap<>();
    private boolean started;
    /**
     * The checks are still to be told of the start ({@link HealthCheck#started()}): at the beginning of the first
     * scheduled evaluation after the one that said "started" (evaluator thread only).
     */
    private boolean startToTell;
    private long startedAtNanos;
    private final long createdNanos = System.nanoTime();
    private volatile boolean publishRequested;
    private volatile Snapshot current;
    /** Thread supervision (start, replacement after a death, stop); this class only evaluates. */
    private final SupervisedThread supervisor;
    /** Held while a snapshot is written and published, so that a shutdown's snapshot is never overwritten by an older state. */
    private final Object publishing = new Object();
    /** The last transitions (guarded by {@link #publishing}). */
    private final History history = new History();
    /** Each path's answer in the last published snapshot (guarded by {@link #publishing}); before the first: starting. */
    private final int[] lastCodes = {Reply.OK, Reply.UNAVAILABLE, Reply.UNAVAILABLE, Reply.UNAVAILABLE};
    /** Per check (evaluator thread only). */
    private final Map<String, CheckStats> stats = new HashMap<>();
    private volatile Shutdown shutdownState = Shutdown.RUNNING;
    /** The shortest watch period of the checks ({@link HealthCheck#watchMillis()}), 0 when none watches. */
    private long watchNanos;
    private long lastWatchNanos;
    private volatile Listener listener;
    /** The figures kept for the page's charts, or null (see {@link #keepSeries}). */
    private volatile Series series;
    /** Per watching gate: what its watch said last (evaluator thread only). */
    private final Map<String, Boolean> watchSaid = new HashMap<>();
    /** Gates that stopped serving as seen on the application's thread, not yet by an evaluation (guarded by {@link #publishing}). */
    private final Map<String, Stopped> stoppedGates = new HashMap<>();

    /** A gate's stop seen between evaluations: its result, and when it was seen. */
    private static final class Stopped {
        final CheckResult result;
        final long seenNanos;

        Stopped(CheckResult result, long seenNanos) {
            this.result = result;
            this.seenNanos = seenNanos;
        }
    }

    /** Told of every published snapshot, on the evaluator thread; must be quick and must not block. */
    public interface Listener {
        void published(Snapshot snapshot);
    }

    /**
     * From now on, keeps {@code lines} in a {@link Series} (one point per evaluation, at most one per 5 s or per
     * interval, an hour at most) that every later snapshot carries. Once: a later call keeps the first series.
     */
    public synchronized Series keepSeries(List<Series.Line> lines) {
        prepareSnapshot();
        if (series == null) {
            Series s = new Series(lines, intervalMillis, System.nanoTime());
            writer.keep(s);
            series = s;
        }
        return series;
    }

    /** Sets the one listener (evidence), or null for none. */
    public void setListener(Listener listener) {
        this.listener = listener;
    }

    /** Creates the checks; called once, on the evaluator thread, so MXBean set-up stays off the host's threads. */
    public interface CheckFactory {
        /**
         * @param evaluator the evaluator that will run the checks: a gate that notices its condition
         *                  met calls {@link Evaluator#publishNow()} on it
         */
        List<HealthCheck> create(Evaluator evaluator);
    }

    /**
     * Cheap: nothing is created until {@link #start} (on the evaluator thread) or
     * {@link #prepare()} (on the caller's).
     */
    public Evaluator(CheckFactory factory, long intervalMillis) {
        this.factory = factory;
        this.intervalMillis = intervalMillis;
        this.intervalNanos = TimeUnit.MILLISECONDS.toNanos(intervalMillis);
        this.supervisor = new SupervisedThread("evaluator", "health evaluator", MAX_RESTARTS, intervalNanos, new Runnable() {
            @Override
            public void run() {
                loop();
            }
        });
    }

    /** Convenience for fixed checks (tests, benchmarks). */
    public Evaluator(final List<HealthCheck> checks, long intervalMillis) {
        this(new CheckFactory() {
            @Override
            public List<HealthCheck> create(Evaluator evaluator) {
                return checks;
            }
        }, intervalMillis);
    }

    /** The latest snapshot; null only before {@link #start} or {@link #prepare()} has run. */
    public Snapshot current() {
        return current;
    }

    /** Creates the serializer, the first ("starting") snapshot and the checks. Idempotent. */
    public synchronized void prepare() {
        prepareSnapshot();
        if (!checksCreated) {
            // Set only after success: when the factory throws, the evaluator thread dies and its
            // replacement tries again.
            checks = Collections.unmodifiableList(new ArrayList<>(factory.create(this)));
            checksCreated = true;
            for (HealthCheck check : checks) {
                try {
                    check.publishTo(this);
                } catch (Throwable e) {
                    AgentLog.warn("check '" + check.name() + "' refused its publisher: " + AgentLog.describe(e));
                }
            }
            long shortest = 0;
            for (HealthCheck check : checks) {
                long w = check.watchMillis();
                if (w > 0 && (shortest == 0 || w < shortest)) {
                    shortest = w;
                }
            }
            watchNanos = TimeUnit.MILLISECONDS.toNanos(shortest);
        }
    }

    /** Creates the serializer and the first ("starting") snapshot, which {@link #current} returns until the first evaluation. Idempotent. */
    public synchronized void prepareSnapshot() {
        if (writer == null) {
            writer = new SnapshotWriter(stallMillis(intervalMillis));
            current = writer.initial(System.nanoTime());
        }
    }

    /** Starts the evaluation thread (the checks are created on it, then evaluated every interval). */
    public synchronized void start() {
        if (supervisor.isRunning()) {
            return;
        }
        supervisor.start();
    }

    /** How many times the evaluator thread died and was replaced. */
    int restarts() {
        return supervisor.restarts();
    }

    /** The current evaluator thread (tests). */
    Thread thread() {
        return supervisor.thread();
    }

    /** Stops the thread and releases every check. Waits briefly for the thread to end. */
    public void stop() {
        supervisor.stop(2000);
        for (HealthCheck check : checks) {
            try {
                check.close();
            } catch (Throwable e) {
                AgentLog.warn("check '" + check.name() + "' failed to close: " + AgentLog.describe(e));
            }
        }
    }

    private void loop() {
        long delay = supervisor.startDelayNanos();
        if (delay > 0) {
            long until = System.nanoTime() + delay;
            long left;
            while (supervisor.isRunning() && (left = until - System.nanoTime()) > 0) {
                LockSupport.parkNanos(this, left);
            }
        }
        prepare();
        long next = System.nanoTime();
        boolean prompt = false;
        while (supervisor.isRunning()) {
            try {
                evaluate(!prompt);
            } catch (Throwable e) {
                // Anything here is our own bug (checks are already guarded), or an OutOfMemoryError of
                // a host that filled its heap; keep evaluating. Building the log line allocates too: if
                // that fails as well, the thread must still not die (each death counts against
                // MAX_RESTARTS, and a full heap can cause many in a few intervals).
                try {
                    AgentLog.warn("health evaluation failed: " + AgentLog.describe(e));
                } catch (Throwable ignored) {
                    // the next evaluation is the report
                }
            }
            if (!prompt) {
                // A prompt evaluation (a gate passed, a check published) keeps the schedule: advancing it too would put
                // the next scheduled evaluation one interval further for each prompt one, and a burst of them (a server
                // whose state changes several times while it boots) left no evaluation for 3 intervals: /live 503.
                next += intervalNanos;
            }
            long now = System.nanoTime();
            if (next - now < 0) {
                next = now; // we fell behind (a slow evaluation or a paused JVM): do not try to catch up
            }
            prompt = false;
            while (supervisor.isRunning() && (now = System.nanoTime()) - next < 0) {
                long wait = next - now;
                boolean gatesPending = !started;
                if (gatesPending) {
                    wait = Math.min(wait, gatePollNanos);
                } else if (watchNanos > 0) {
                    wait = Math.min(wait, watchNanos);
                }
                if (!publishRequested) {
                    LockSupport.parkNanos(this, wait);
                }
                if (Thread.interrupted() && !supervisor.isRunning()) {
                    return;
                }
                if (supervisor.isRunning() && (publishRequested || gatesPending && pendingGatePassed()
                        || !gatesPending && watchNanos > 0 && watchedGateChanged())) {
                    prompt = true;
                    break; // evaluate and publish now
                }
            }
        }
    }

    /**
     * Asks for a full evaluation to be published now (from any thread; cheap and never blocks): a
     * gate calls it when it sees its condition met.
     */
    public void publishNow() {
        publishRequested = true;
        Thread t = supervisor.thread();
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /**
     * Asks the passed gates that watch their application ({@link HealthCheck#watchMillis()}) whether it still
     * serves (evaluator thread, at their period); true when one's answer changed since its last (it stopped, or
     * serves again): an evaluation is published at once. Edge-triggered, so an application that stays stopped
     * does not cost an evaluation per period.
     */
    private boolean watchedGateChanged() {
        long now = System.nanoTime();
        if (now - lastWatchNanos < watchNanos) {
            return false;
        }
        lastWatchNanos = now;
        boolean changed = false;
        for (HealthCheck check : checks) {
            if (check.watchMillis() <= 0 || !passedGates.containsKey(check.name()) || !check.judgesReadinessOncePassed()) {
                continue;
            }
            boolean serves;
            try {
                serves = check.stillPassesNow();
            } catch (Throwable ignored) {
                continue; // the full evaluation reports it
            }
            Boolean before = watchSaid.put(check.name(), serves);
            changed |= before == null ? !serves : before != serves;
        }
        return changed;
    }

    /**
     * A passed gate saw its application stop serving, on the application's thread (entering its stop method): the
     * last evaluation's snapshot is published at once with that gate's result replaced (so {@code /ready} is 503 before
     * the application goes on to close its connectors), and a full evaluation follows. Until an evaluation that began
     * after this call is published, every snapshot keeps the replacement (an evaluation already under way does not
     * undo it). Cheap: one snapshot written on the caller's thread.
     */
    @Override
    public void stoppedServing(String check, CheckResult result) {
        synchronized (publishing) {
            stoppedGates.put(check, new Stopped(result, System.nanoTime()));
            Snapshot c = current;
            if (c != null && writer != null && c.isEvaluated() && c.isStarted()) {
                List<Checked> checks = withStopped(c.checks(), 0, false);
                if (checks != c.checks()) {
                    long epochMillis = System.currentTimeMillis();
                    Snapshot s = writer.write(c.completedAtNanos(), c.epochMillis(), checks, true, null, c.durationNanos(), shutdownState, history);
                    if (pathsChanged(s, epochMillis)) {
                        s = writer.write(c.completedAtNanos(), c.epochMillis(), checks, true, null, c.durationNanos(), shutdownState, history);
                    }
                    current = s;
                }
            }
        }
        publishNow();
    }

    /**
     * {@code checks} with the stopped gates' results in place of healthy ones (the caller holds the publishing lock);
     * the same list when none applies. With {@code evaluated}, a stop seen before the evaluation began
     * ({@code beganNanos}) is the evaluation's own to judge, and is forgotten.
     */
    private List<Checked> withStopped(List<Checked> checks, long beganNanos, boolean evaluated) {
        if (stoppedGates.isEmpty()) {
            return checks;
        }
        List<Checked> out = null;
        for (int i = 0; i < checks.size(); i++) {
            Checked c = checks.get(i);
            Stopped stopped = stoppedGates.get(c.name());
            if (stopped == null) {
                continue;
            }
            if (evaluated && stopped.seenNanos - beganNanos < 0) {
                stoppedGates.remove(c.name());
                continue;
            }
            if (c.decidesReadiness() && c.result().status() == Status.HEALTHY) {
                if (out == null) {
                    out = new ArrayList<>(checks);
                }
                out.set(i, c.withResult(stopped.result));
            }
        }
        return out == null ? checks : out;
    }

    /**
     * The JVM's end began ({@link Shutdown#stopping}) or a drain ({@link Shutdown#draining}): from any thread (a
     * shutdown hook, a signal handler's thread), publishes at once the last evaluation's snapshot with
     * {@code /ready} 503 saying so, and every later evaluation keeps saying it. Cheap: one snapshot is
     * written on the caller's thread. Never changes {@code /live} or {@code /started}.
     */
    public void shutdown(Shutdown state) {
        synchronized (publishing) {
            Shutdown before = shutdownState;
            shutdownState = state;
            long epochMillis = System.currentTimeMillis();
            history.add(new History.Transition(epochMillis, "shutdown", before.state().word(), state.state().word(), state.reason()));
            Snapshot c = current;
            if (c != null && writer != null) {
                Snapshot s = writer.rewrite(c, state, history);
                if (pathsChanged(s, epochMillis)) {
                    s = writer.rewrite(c, state, history);
                }
                current = s;
            }
        }
    }

    /** Where the JVM is in its end, as the snapshots say it. */
    public Shutdown shutdownState() {
        return shutdownState;
    }

    /** Polls the pending gates (evaluator thread); true when one of them now passes. Also sets when to poll next. */
    private boolean pendingGatePassed() {
        long poll = GATE_POLL_MILLIS;
        try {
            for (HealthCheck check : checks) {
                if (check.role() != Role.STARTUP || passedGates.containsKey(check.name())) {
                    continue;
                }
                try {
                    if (check.passesNow()) {
                        return true;
                    }
                    poll = Math.min(poll, Math.max(MIN_GATE_POLL_MILLIS, check.pollMillis()));
                } catch (Throwable ignored) {
                    // the full evaluation reports it
                }
            }
            return false;
        } finally {
            gatePollNanos = TimeUnit.MILLISECONDS.toNanos(poll);
        }
    }

    /** How long without a completed evaluation before answers say "stalled". */
    public static long stallMillis(long intervalMillis) {
        return Math.max(MIN_STALL_MILLIS, intervalMillis * STALL_INTERVALS);
    }

    /** Runs every check once and publishes the snapshot, as a scheduled evaluation does. Public for tests and benchmarks. */
    public Snapshot evaluateOnce() {
        return evaluate(true);
    }

    /**
     * @param scheduled at its interval, not at once for a gate that passed or a {@link #publishNow()}: the checks are
     *                  told of the start in a scheduled evaluation (or any one an interval after the start), so that
     *                  what they left for then (GC notifications) does not run while the application takes its
     *                  first requests, right after its start
     */
    private Snapshot evaluate(boolean scheduled) {
        prepare();
        if (startToTell && (scheduled || System.nanoTime() - startedAtNanos >= intervalNanos)) {
            startToTell = false;
            tellStarted();
        }
        long began = System.nanoTime();
        publishRequested = false;
        long epochMillis = System.currentTimeMillis();
        List<Checked> evaluated = new ArrayList<>(checks.size());
        List<String> pending = null;
        List<History.Transition> changes = null;
        for (HealthCheck check : checks) {
            String name = check.name();
            Role role = check.role();
            boolean gate = role == Role.STARTUP;
            CheckResult latched = gate ? passedGates.get(name) : null;
            CheckResult result;
            long took = -1;
            if (latched != null && !check.judgesReadinessOncePassed()) {
                result = latched;
            } else {
                long t0 = System.nanoTime();
                result = run(check);
                took = System.nanoTime() - t0;
            }
            if (result.isAbsent() && !gate) {
                continue; // nothing to judge in this JVM (a preset whose MBeans do not exist): not listed
            }
            boolean passed = latched != null;
            if (gate && !passed && result.status() == Status.HEALTHY) {
                passedGates.put(name, result);
                passed = true;
                AgentLog.info("startup gate '" + name + "' passed");
            }
            if (gate && !passed) {
                if (pending == null) {
                    pending = new ArrayList<>();
                }
                pending.add(name);
            }
            boolean decidesReadiness = !gate || passed && check.judgesReadinessOncePassed();
            CheckStats stats = this.stats.get(name);
            if (stats == null) {
                // a gate's first status (waiting) is where it starts; any other check starts healthy
                stats = new CheckStats(gate ? result.status() : Status.HEALTHY);
                this.stats.put(name, stats);
            }
            if (stats.last != result.status()) {
                if (changes == null) {
                    changes = new ArrayList<>(2);
                }
                changes.add(new History.Transition(epochMillis, name, stats.last.json(), result.status().json(),
                        result.reason() != null ? result.reason() : gate ? "passed" : null));
                stats.into[result.status().ordinal()]++;
                stats.last = result.status();
                stats.lastChangeMillis = epochMillis;
            }
            evaluated.add(new Checked(name, role, decidesReadiness, passed, result, check.metricFamilies(),
                    stats.into.clone(), stats.lastChangeMillis, took));
            if (!gate || passed && check.judgesReadinessOncePassed()) {
                logChange(name, result);
            }
        }
        boolean startedNow = false;
        if (!started && pending == null) {
            started = true;
            startedNow = true;
            if (!passedGates.isEmpty()) {
                AgentLog.info("started: every startup gate passed " + passedGates.keySet() + ", "
                    + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - createdNanos) + " ms after the agent started");
            }
        }
        Series kept = series;
        if (kept != null) {
            kept.record(System.nanoTime(), epochMillis, evaluated);
        }
        Snapshot snapshot;
        synchronized (publishing) { // a shutdown published meanwhile is said by this snapshot too
            evaluated = withStopped(evaluated, began, true); // and a gate's stop seen meanwhile
            if (changes != null) {
                for (History.Transition t : changes) {
                    history.add(t);
                }
            }
            long now = System.nanoTime();
            snapshot = writer.write(now, epochMillis, evaluated, started, pending, now - began, shutdownState, history);
            // a path's answer changes when this snapshot is published, not when the evaluation began (it can take long)
            if (pathsChanged(snapshot, System.currentTimeMillis())) {
                snapshot = writer.write(now, epochMillis, evaluated, started, pending, now - began, shutdownState, history);
            }
            current = snapshot;
        }
        long now = System.nanoTime();
        Listener l = listener;
        if (l != null) {
            try {
                l.published(snapshot);
            } catch (Throwable e) {
                AgentLog.warn("snapshot listener failed: " + AgentLog.describe(e));
            }
        }
        if (startedNow) {
            startToTell = true;
            startedAtNanos = now;
        }
        return snapshot;
    }

    /**
     * Adds a transition for each path whose answer changed since the last published snapshot ({@code /ready} 200 to
     * 503, with the answer's reason); true when one did (the caller holds the publishing lock).
     */
    private boolean pathsChanged(Snapshot snapshot, long epochMillis) {
        boolean any = false;
        for (Probe p : Probe.values()) {
            int code = snapshot.prepared(p).code();
            if (code != lastCodes[p.ordinal()]) {
                history.add(new History.Transition(epochMillis, p.path(), Integer.toString(lastCodes[p.ordinal()]),
                        Integer.toString(code), snapshot.why(p)));
                lastCodes[p.ordinal()] = code;
                any = true;
            }
        }
        return any;
    }

    /** Per check, on the evaluator thread: its last status, how often it turned into each status, and when last. */
    private static final class CheckStats {
        Status last;
        final long[] into = new long[Status.values().length];
        long lastChangeMillis;

        CheckStats(Status first) {
            this.last = first;
        }
    }

    /** Tells every check of the start, before the evaluation that follows, so that it already judges as they now can. */
    private void tellStarted() {
        for (HealthCheck check : checks) {
            try {
                check.started();
            } catch (Throwable e) {
                AgentLog.warn("check '" + check.name() + "' failed on start: " + AgentLog.describe(e));
            }
        }
    }

    private static CheckResult run(HealthCheck check) {
        try {
            CheckResult result = check.evaluate();
            return result != null ? result : CheckResult.failed("check '" + check.name() + "' returned no result");
        } catch (Throwable e) {
            return CheckResult.failed("check failed: " + AgentLog.describe(e));
        }
    }

    private void logChange(String name, CheckResult result) {
        Status before = lastStatus.put(name, result.status());
        Status previous = before == null ? Status.HEALTHY : before;
        if (previous == result.status()) {
            return;
        }
        String message = "check '" + name + "' " + previous.json() + " -> " + result.status().json()
                + (result.reason() == null ? "" : ": " + result.reason());
        if (result.status() == Status.UNHEALTHY) {
            AgentLog.warn(message);
        } else {
            AgentLog.info(message);
        }
    }
}
