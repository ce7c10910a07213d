package io.jvmhealth.agent.apps;

import io.jvmhealth.agent.base.AgentLog;
import io.jvmhealth.agent.gates.NeverLoaded;
import io.jvmhealth.agent.gates.OwnListeners;
import io.jvmhealth.agent.health.CheckResult;
import io.jvmhealth.agent.health.Status;

import java.lang.instrument.Instrumentation;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The gate of an application that serves once its server listens on a port only its code knows (Vert.x, Netty,
 * gRPC, Micronaut: none registers an MBean or names its port where the agent could read it): passes once THIS JVM
 * listens on a TCP port of its own ({@link OwnListeners}), and keeps judging readiness: {@code /ready} is 503 while
 * that socket is closed and no other such port listens (the server closed, the gRPC server shut down). No bytecode:
 * for these servers the port listens at the moment they serve (the listen completes, {@code Server.start} returns;
 * measured in docs/gates.md).
 *
 * <p>Which ports are not the application's: the agent's own ({@code jvmhealth.url}); JMX remote's
 * ({@code com.sun.management.jmxremote.port} and {@code .rmi.port}); the debugger's ({@code address=} of
 * {@code -agentlib:jdwp} / {@code -Xrunjdwp} among the JVM's arguments); and, at JVM start, every socket this JVM
 * held when the agent planned its gates (before {@code main} has got far: other agents' ports, such as a metrics
 * exporter started by its {@code premain} before ours; one scan of this process's descriptors, no socket table read at
 * the agent's start). Attached into a running JVM no such baseline is
 * taken: any other port listening then is the application serving, and the gate passes at once.
 *
 * <p>An application recognized from its main class that opens no server in this run (a Vert.x worker, a Netty
 * client) would hold {@code /started} for ever: when no port has listened {@link NeverLoaded#WAIT_MILLIS} after the
 * agent started and none of the server's classes is loaded, the gate passes with a warning. Where no server class is
 * even on the class path (Micronaut without its HTTP server), it passes at once. Without {@code /proc} (not Linux)
 * it cannot see ports, and passes with that reason.
 */
final class ServerPortGate extends ServingGate {
    static final String AGENT_URL_PROPERTY = "jvmhealth.url";

    private final String framework;
    private final String display;
    private final String waitingFor;
    private final String[] serverClasses;
    private final Instrumentation instrumentation;
    private final boolean attached;
    private final OwnListeners listeners;
    /** At JVM start: the inodes of the sockets this JVM held before the application got far (never its server). */
    private final Set<String> baseline = new HashSet<String>();
    private final boolean onClassPath;
    private final long createdNanos = System.nanoTime();
    private final NeverLoaded neverLoaded;
    private Set<Integer> reserved;
    private int agentPort = -1;
    private OwnListeners.Listener serving;
    private OwnListeners.Listener lastServing;
    private boolean passed;
    private String passedBecause;
    private boolean serverClassLoaded;
    private boolean warned;

    /**
     * @param display        the application's name in reasons: {@code Vert.x}
     * @param waitingFor     what the reason says it waits for: {@code Vert.x to listen (an HTTP or TCP server's listen to complete)}
     * @param serverClasses  classes that are loaded once the application makes such a server (the bound on an
     *                       application that never does)
     * @param classPathCheck whether a class path without any of {@code serverClasses} means there is no server to wait for
     */
    ServerPortGate(Recognizer recognizer, AppContext context, String display, String waitingFor, boolean classPathCheck,
                   String... serverClasses) {
        this(recognizer, context.instrumentation(), context.attached(), new OwnListeners(), display, waitingFor, classPathCheck, serverClasses);
    }

    ServerPortGate(Recognizer recognizer, Instrumentation instrumentation, boolean attached, OwnListeners listeners, String display,
                   String waitingFor, boolean classPathCheck, String... serverClasses) {
        super(recognizer.gateName());
        this.framework = recognizer.name();
        this.display = display;
        this.waitingFor = waitingFor;
        this.serverClasses = serverClasses.clone();
        this.instrumentation = instrumentation;
        this.attached = attached;
        this.listeners = listeners;
        this.neverLoaded = new NeverLoaded(recognizer.name());
        this.onClassPath = !classPathCheck || LoadedClasses.onClassPath(serverClasses);
        if (!attached && listeners.precise()) {
            baseline.addAll(listeners.socketInodes());
        }
    }

    /**
     * The watch, every {@link #WATCH_MILLIS} once passed: whether the application's socket still listens: one readlink.
     * Once it is closed, whether another port of its listens (the socket tables are read only when the socket count
     * changed: see {@link OwnListeners}).
     */
    @Override
    public boolean stillPassesNow() {
        if (passedBecause != null) {
            return true; // passed without a port (see the class comment): nothing to watch
        }
        OwnListeners.Listener s = serving;
        if (s != null) {
            return OwnListeners.stillListening(s);
        }
        return observe() != null;
    }

    @Override
    public boolean passesNow() {
        return observe() != null || passedBecause != null || notServing() != null;
    }

    @Override
    public CheckResult evaluate() {
        Map<String, Object> details = new LinkedHashMap<String, Object>();
        if (passedBecause != null) {
            return decided(passedBecause, details);
        }
        details.put("source", "/proc/net/tcp6, /proc/net/tcp, /proc/net/sockstat and /proc/self/fd");
        OwnListeners.Listener was = serving;
        if (was != null && !OwnListeners.stillListening(was)) {
            // said at once, without reading the socket tables; the next evaluation looks for another port of its
            serving = null;
            details.put("port", was.port);
            return CheckResult.of(Status.UNHEALTHY, display + " stopped serving: port " + was.port + " no longer listens in this JVM", details);
        }
        OwnListeners.Listener l = observe();
        if (l != null) {
            passed = true;
            details.put("port", l.port);
            details.put("decidedBy", "this JVM listens on port " + l.port);
            return CheckResult.healthy(details);
        }
        if (!reserved().isEmpty() || agentPort > 0 || !baseline.isEmpty()) {
            details.put("notTheApplications", notTheApplications());
        }
        if (passed) {
            String port = lastServing == null ? "its port" : "port " + lastServing.port;
            if (lastServing != null) {
                details.put("port", lastServing.port);
            }
            return CheckResult.of(Status.UNHEALTHY, display + " stopped serving: " + port + " no longer listens in this JVM", details);
        }
        String because = notServing();
        if (because != null) {
            passedBecause = because;
            return decided(because, details);
        }
        return CheckResult.of(Status.UNHEALTHY, "waiting for " + waitingFor + ": this JVM listens on no TCP port of its own yet", details);
    }

    /** The application's listening socket now, or null; cheap when nothing changed (see {@link OwnListeners}). */
    private OwnListeners.Listener observe() {
        if (!listeners.precise()) {
            return null;
        }
        OwnListeners.Listener s = serving;
        if (s != null && OwnListeners.stillListening(s)) {
            return s;
        }
        serving = null;
        if (attached && !baselineTaken() && agentPort() < 0) {
            return null; // attached: the agent's own port must be known before any port counts as the application's
        }
        for (OwnListeners.Listener l : listeners.read(false)) {
            if (!baseline.contains(l.inode) && !isReserved(l.port) && OwnListeners.stillListening(l)) {
                serving = l;
                lastServing = l;
                return l;
            }
        }
        return null;
    }

    /**
     * Why the gate passes without a port, or null: no /proc; no server class on the class path; or no port and no
     * server class loaded {@link NeverLoaded#WAIT_MILLIS} after the agent started (then one warning).
     */
    private String notServing() {
        if (!listeners.precise()) {
            return "this JVM's listening sockets cannot be read here (no /proc/net/tcp): passed without waiting for " + display;
        }
        if (!onClassPath) {
            return "none of " + java.util.Arrays.toString(serverClasses) + " is on the class path: this application has no "
                    + display + " server to wait for";
        }
        if (passed || serverClassLoaded || System.nanoTime() - createdNanos < NeverLoaded.WAIT_MILLIS * 1_000_000L) {
            return null;
        }
        Boolean loaded = anyLoadedNow(instrumentation, serverClasses);
        if (loaded == null) {
            return null;
        }
        serverClassLoaded = loaded;
        if (serverClassLoaded || instrumentation == null) {
            return null;
        }
        String because = "no TCP port of its own listened and none of " + java.util.Arrays.toString(serverClasses) + " was loaded within "
                + NeverLoaded.WAIT_MILLIS / 1000 + " s of the agent's start: this run of the application starts no " + display
                + " server (it was recognized from its main class), so its gate does not hold /started";
        if (!warned) {
            warned = true;
            AgentLog.warn("startup gate for " + framework + ": " + because);
        }
        return because;
    }

    /** At JVM start the baseline holds the agent's own socket (bound before the gates are planned), whatever the URL says. */
    private boolean baselineTaken() {
        return !attached;
    }

    private boolean isReserved(int port) {
        if (agentPort < 0) {
            agentPort = agentPort();
        }
        return port == agentPort || reserved().contains(port);
    }

    private List<String> notTheApplications() {
        List<String> out = new ArrayList<String>();
        if (agentPort > 0) {
            out.add(agentPort + " (the agent's)");
        }
        for (Integer p : reserved()) {
            out.add(p + " (JMX or debugger)");
        }
        if (!baseline.isEmpty()) {
            out.add(baseline.size() + " socket(s) this JVM held when the agent started");
        }
        return out;
    }

    private Set<Integer> reserved() {
        if (reserved == null) {
            reserved = reservedPorts(System.getProperty("com.sun.management.jmxremote.port"),
                    System.getProperty("com.sun.management.jmxremote.rmi.port"), inputArguments());
        }
        return reserved;
    }

    private static List<String> inputArguments() {
        try {
            return ManagementFactory.getRuntimeMXBean().getInputArguments();
        } catch (Throwable e) {
            return Collections.emptyList();
        }
    }

    /** The agent's own port, from the URL it published; -1 while not known. */
    static int agentPort() {
        String url = System.getProperty(AGENT_URL_PROPERTY);
        if (url == null) {
            return -1;
        }
        int slash = url.indexOf('/', url.indexOf("//") + 2);
        String hostPort = url.substring(url.indexOf("//") + 2, slash < 0 ? url.length() : slash);
        int colon = hostPort.lastIndexOf(':');
        int port = colon < 0 ? -1 : number(hostPort.substring(colon + 1));
        return port > 0 ? port : -1;
    }

    /** The ports of JMX remote (its two properties) and of the debugger ({@code address=} of a jdwp option). */
    static Set<Integer> reservedPorts(String jmxPort, String jmxRmiPort, List<String> arguments) {
        Set<Integer> ports = new HashSet<Integer>();
        for (String p : new String[] {jmxPort, jmxRmiPort}) {
            int n = p == null ? -1 : number(p.trim());
            if (n > 0) {
                ports.add(n);
            }
        }
        for (String a : arguments) {
            if (!a.startsWith("-agentlib:jdwp") && !a.startsWith("-Xrunjdwp")) {
                continue;
            }
            int at = a.indexOf("address=");
            if (at < 0) {
                continue;
            }
            int end = a.indexOf(',', at);
            String address = a.substring(at + 8, end < 0 ? a.length() : end);
            int n = number(address.substring(address.lastIndexOf(':') + 1));
            if (n > 0) {
                ports.add(n);
            }
        }
        return ports;
    }

    private static int number(String s) {
        if (s.isEmpty() || s.length() > 5) {
            return -1;
        }
        int v = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v <= 65535 ? v : -1;
    }
}
