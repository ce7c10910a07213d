package io.jvmhealth.agent.gates;

import io.jvmhealth.agent.health.CheckNames;
import io.jvmhealth.agent.health.CheckResult;
import io.jvmhealth.agent.health.HealthCheck;
import io.jvmhealth.agent.health.Role;
import io.jvmhealth.agent.health.Status;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code ready.port=N}: a startup gate {@code port:N} that passes once this JVM itself listens on
 * port N, and afterwards keeps judging readiness ({@code /ready} is 503 while the port is not
 * listening). One evaluation is a few file reads (see {@link ListeningPorts}). Once passed, a watch looks
 * every {@link #WATCH_MILLIS} at the descriptor the last evaluation found holding the LISTEN socket (one
 * {@code readlink}: microseconds), so that a port that closes turns {@code /ready} 503 within that, not at the
 * next interval; the socket tables themselves are read by evaluations (milliseconds of kernel time each) and, while the
 * port is not listening, by the watch once a second (so that {@code /ready} is 200 again soon after it listens again).
 */
final class PortGate implements HealthCheck {
    private final int port;
    private final String name;
    private final ListeningPorts ports;

    PortGate(int port, ListeningPorts ports) {
        this.port = port;
        this.name = CheckNames.portGate(port);
        this.ports = ports;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Role role() {
        return Role.STARTUP;
    }

    @Override
    public boolean judgesReadinessOncePassed() {
        return true;
    }

    /** How often, once passed, the watch looks at the listening socket's descriptor. */
    static final long WATCH_MILLIS = 50;
    /** The descriptor that held the LISTEN socket at the last evaluation that found it ({link, text}), or null. */
    private volatile String[] descriptor;
    private Boolean precise;

    /** Where /proc can be read (Linux); elsewhere no watch (a connection attempt may take its whole timeout). */
    @Override
    public long watchMillis() {
        if (precise == null) {
            precise = ports.precise();
        }
        return precise ? WATCH_MILLIS : 0;
    }

    /**
     * One {@code readlink} of the descriptor the last evaluation found listening: still the same socket? (Microseconds;
     * reading the socket tables costs the kernel milliseconds.) True while no descriptor is known.
     */
    @Override
    public boolean stillPassesNow() {
        String[] d = descriptor;
        if (d != null) {
            if (ListeningPorts.stillOpen(d)) {
                return true;
            }
            last = null; // the evaluation the change asks for reads anew
            descriptor = null;
            closed = true;
            closedWatchNanos = System.nanoTime();
            return false;
        }
        if (!closed) {
            return true; // listening, but no descriptor known (nothing could be watched): the evaluations judge it
        }
        // Not listening: whether it listens again is in the socket tables alone, milliseconds of kernel time per read;
        // read every CLOSED_WATCH_MILLIS (and never more often than WATCH_COST_FACTOR times the last read's cost), so that
        // /ready turns 200 again within about a second, not at the next interval.
        long now = System.nanoTime();
        if (now - closedWatchNanos < Math.max(CLOSED_WATCH_MILLIS * 1_000_000L, closedWatchCost * WATCH_COST_FACTOR)) {
            return false;
        }
        long cpu = cpuNanos();
        String[] found = ports.listeningDescriptor(port);
        long end = System.nanoTime();
        closedWatchCost = cpu < 0 ? end - now : cpuNanos() - cpu;
        closedWatchNanos = end;
        if (found == null) {
            return false;
        }
        last = null;
        closed = false;
        return true; // the evaluation the change asks for finds it (and the descriptor)
    }

    /** While the port is not listening, how often the watch reads the socket tables. */
    static final long CLOSED_WATCH_MILLIS = 1000;
    /** The closed-port watch never takes more than 2 % of a core. */
    static final int WATCH_COST_FACTOR = 50;
    private long closedWatchNanos;
    private long closedWatchCost;
    /**
     * The port was seen not listening (by the watch or an evaluation) and not listening again since: only then does the
     * watch read the socket tables. A healthy gate whose descriptor is not known is not "closed": were it, the watch would
     * say false at each throttled look while the port listens, and the edge of a real close would never come.
     */
    private volatile boolean closed;

    /**
     * While pending, the evaluator polls a gate every 25 ms. Reading /proc/net/tcp costs the kernel time in
     * proportion to the host's sockets (milliseconds on a host with many TIME_WAIT entries: docs/performance.md):
     * polls closer than {@link #COST_FACTOR} times the last read's CPU time (user and system, of this thread)
     * return the last result, so the gate never takes more than about a quarter of a core.
     */
    static final int COST_FACTOR = 4;
    private static final java.lang.management.ThreadMXBean THREADS = io.jvmhealth.agent.health.checks.platform.PlatformBeans.threads();
    private long lastReadNanos;
    private long lastReadCost;
    private CheckResult last;

    @Override
    public CheckResult evaluate() {
        long now = System.nanoTime();
        if (last != null && now - lastReadNanos < lastReadCost * COST_FACTOR) {
            return last;
        }
        long cpu = cpuNanos();
        CheckResult r = observe();
        long end = System.nanoTime();
        long used = cpuNanos() - cpu;
        lastReadNanos = end;
        lastReadCost = cpu < 0 ? end - now : used;
        last = r;
        return r;
    }

    private static long cpuNanos() {
        try {
            return THREADS.getCurrentThreadCpuTime();
        } catch (Throwable e) {
            return -1;
        }
    }

    private CheckResult observe() {
        String[] listening = ports.listeningDescriptor(port);
        if (listening != null) {
            descriptor = listening;
            closed = false;
            Map<String, Object> details = new LinkedHashMap<String, Object>();
            details.put("port", port);
            details.put("source", "/proc/net/tcp6, /proc/net/tcp and /proc/self/fd");
            return CheckResult.healthy(details);
        }
        descriptor = null;
        ListeningPorts.State state = ports.state(port);
        Map<String, Object> details = new LinkedHashMap<String, Object>();
        details.put("port", port);
        details.put("source", ports.precise() ? "/proc/net/tcp6, /proc/net/tcp and /proc/self/fd" : "a connection to the loopback address");
        closed = state != ListeningPorts.State.LISTENING && state != ListeningPorts.State.ACCEPTS_CONNECTIONS;
        switch (state) {
            case LISTENING:
            case ACCEPTS_CONNECTIONS:
                return CheckResult.healthy(details);
            case OTHER_PROCESS:
                return CheckResult.of(Status.UNHEALTHY, "this JVM does not listen on port " + port
                        + " (another process does)", details);
            default:
                return CheckResult.of(Status.UNHEALTHY, "this JVM does not listen on port " + port
                        + " (nothing listens on it)", details);
        }
    }
}
