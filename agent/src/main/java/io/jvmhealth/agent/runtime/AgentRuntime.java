package io.jvmhealth.agent.runtime;

import io.jvmhealth.agent.apps.Applications;
import io.jvmhealth.agent.base.AgentInstrumentation;
import io.jvmhealth.agent.base.AgentLog;
import io.jvmhealth.agent.base.AgentThreads;
import io.jvmhealth.agent.config.InvalidOptionException;
import io.jvmhealth.agent.config.Settings;
import io.jvmhealth.agent.jmx.JmxAccess;
import io.jvmhealth.agent.jmx.JmxReader;
import io.jvmhealth.agent.rules.Rule;
import io.jvmhealth.agent.rules.RuleOptions;
import io.jvmhealth.agent.health.Shutdown;
import io.jvmhealth.agent.shutdown.ShutdownListener;
import io.jvmhealth.agent.shutdown.ShutdownWatch;
import io.jvmhealth.agent.evidence.Evidence;
import io.jvmhealth.agent.gates.Gates;
import io.jvmhealth.agent.health.Evaluator;
import io.jvmhealth.agent.health.HealthCheck;
import io.jvmhealth.agent.health.checks.BuiltInChecks;
import io.jvmhealth.agent.http.HealthServer;
import io.jvmhealth.agent.http.ListeningSocket;
import io.jvmhealth.agent.rules.RuleChecks;

import java.io.IOException;
import java.net.BindException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Starts and stops the one agent instance of this JVM, and publishes its state in system properties:
 * {@value #URL_PROPERTY} while it runs, {@value #ERROR_PROPERTY} when the last start failed (read by
 * the command-line tool through the attach API, without loading anything into the JVM).
 *
 * <p>Guarantees: every failure, including an option error, is caught and reported as one line on
 * stderr; at JVM start-up the host's thread only starts a thread ({@link JvmHealthAgent#premain}); a
 * second start while running starts nothing; stop leaves no thread, socket or listener behind.
 *
 * <p>A port taken at JVM start is not a failure at once: the agent starts (its gates watch the application from the
 * start) and binds in the background ({@link BindRetry}: one line saying so, then every second at most, for
 * {@link BindRetry#LIMIT_MILLIS}), because what usually holds it is a short-lived JVM of the same container that got
 * the agent from the same {@code JAVA_TOOL_OPTIONS} (a command-line tool, kc.sh's rebuild check, a launcher); giving
 * up at once would leave the server that starts meanwhile without its agent for its whole life. {@code attach} still
 * fails at once: its user is there to pick another port.
 */
public final class AgentRuntime {
    public static final String URL_PROPERTY = "jvmhealth.url";
    public static final String ERROR_PROPERTY = "jvmhealth.error";
    /** The agent argument that stops a running agent ({@code stop <pid>} loads the jar with it). */
    public static final String STOP_ARGUMENT = "stop";

    private static Running current;

    private AgentRuntime() {
    }

    /**
     * The start at JVM launch, on the agent's own {@code jvm-health-start} thread (see
     * {@link JvmHealthAgent#premain}): nothing in the tool's own JVM, else {@link #start}.
     */
    public static void startAtLaunch(String args) {
        if (Launch.isCommandLineTool()) {
            return; // JAVA_TOOL_OPTIONS also reaches `java -jar jvm-health-agent.jar ...`: the tool's own JVM gets no agent
        }
        start(args, true);
    }

    /** Starts the agent (attached to a running JVM) unless it already runs; returns the URL it serves, or null when it did not start. */
    public static String start(String args) {
        return start(args, false);
    }

    private static synchronized String start(String args, boolean atLaunch) {
        long began = System.nanoTime();
        try {
            if (current != null) {
                AgentLog.info("already running " + (current.url != null ? "at " + current.url : "(waiting for its port)") + "; not starting another");
                return current.url;
            }
            String published = System.getProperty(URL_PROPERTY);
            if (published != null) {
                AgentLog.info("an agent (another copy of the jar) already runs at " + published + "; not starting another");
                return published;
            }
            Catalog.Configuration configuration = Catalog.fromEnvironment(args);
            AgentLog.setLevel(configuration.settings.log);
            Running running = Running.start(configuration, began, atLaunch);
            if (running == null) {
                return null; // the listener failed to start: said why
            }
            if (running.waitingForPort()) {
                current = running; // runs, and binds in the background (BindRetry); the URL is published once it serves
                return null;
            }
            current = running;
            return running.url;
        } catch (InvalidOptionException e) {
            fail(e.getMessage());
        } catch (BindException e) {
            fail("cannot listen: " + e.getMessage());
        } catch (Throwable e) {
            fail("failed to start: " + AgentLog.describe(e));
        }
        return null;
    }

    /** Stops the running agent, if any; returns whether one was running. */
    public static synchronized boolean stop() {
        Running running = current;
        if (running == null) {
            return false;
        }
        current = null;
        try {
            running.stop();
            AgentLog.info(running.url != null ? "stopped; " + running.url + " is closed" : "stopped (it was waiting for its port)");
        } catch (Throwable e) {
            AgentLog.warn("stopped with an error: " + AgentLog.describe(e));
        } finally {
            System.clearProperty(URL_PROPERTY);
        }
        return true;
    }

    private static void fail(String reason) {
        String message = "agent not started: " + reason + " (the application runs on without it)";
        publishError(reason);
        AgentLog.error(message);
    }

    private static void publishError(String reason) {
        try {
            System.setProperty(ERROR_PROPERTY, reason);
        } catch (Throwable ignored) {
            // a security manager may refuse: the stderr line still tells
        }
    }

    /**
     * The background bind gave up ({@link BindRetry#LIMIT_MILLIS}), or its server failed to start (then {@code reason}
     * is null: serve said why): the agent stops, as if it had failed at start.
     */
    static synchronized void notServedInBackground(Running running, String reason) {
        if (current == running) {
            current = null;
        }
        if (reason != null) {
            fail(reason);
        }
        running.stop();
    }

    /**
     * The URL published for a listener bound to {@code address}: a wildcard address is reached on
     * loopback ({@code 0.0.0.0} -&gt; {@code 127.0.0.1}, {@code ::} -&gt; {@code [::1]}), an IPv6 address
     * is bracketed ({@code ::1} -&gt; {@code http://[::1]:9555/}).
     */
    static String url(InetAddress address, int port) {
        String host;
        if (address.isAnyLocalAddress()) {
            host = address instanceof Inet6Address ? "[::1]" : "127.0.0.1";
        } else if (address instanceof Inet6Address) {
            host = "[" + ipv6Text((Inet6Address) address) + "]";
        } else {
            host = address.getHostAddress();
        }
        return "http://" + host + ":" + port + "/";
    }

    /**
     * The address as RFC 5952 writes it ({@code ::1}, {@code fd00::1:2}: lower case, the longest run
     * of zero groups as {@code ::}), with a zone as RFC 6874 puts it in a URL ({@code %25eth0});
     * {@code getHostAddress()} writes {@code 0:0:0:0:0:0:0:1}.
     */
    static String ipv6Text(Inet6Address address) {
        byte[] b = address.getAddress();
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = (b[2 * i] & 0xff) << 8 | b[2 * i + 1] & 0xff;
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; i++) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = Math.max(i, j);
        }
        StringBuilder text = new StringBuilder(40);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        String full = address.getHostAddress();
        int zone = full.indexOf('%');
        if (zone >= 0) {
            text.append("%25").append(full.substring(zone + 1));
        }
        return text.toString();
    }

    private static String ruleNames(List<Rule> rules) {
        List<String> names = new ArrayList<String>();
        for (Rule rule : rules) {
            names.add(rule.name());
        }
        return names.toString();
    }

    private static String gateNames(Gates gates, Applications applications) {
        List<String> names = new ArrayList<String>(gates.names());
        names.addAll(applications.gateNames());
        return names.isEmpty() ? "none" : names.toString();
    }

    /** The JVM's end, as {@code /ready} says it: 503 from a drain's start or the shutdown's, at once, for good. */
    private static final class ReadinessEnds implements ShutdownListener {
        private final Evaluator evaluator;

        ReadinessEnds(Evaluator evaluator) {
            this.evaluator = evaluator;
        }

        @Override
        public void drainBegan(long drainNanos) {
            long millis = drainNanos / 1_000_000L;
            evaluator.shutdown(Shutdown.draining(millis, System.currentTimeMillis() + millis));
        }

        @Override
        public void drainEnded(String why) {
            // readiness stays failed; the JVM's shutdown (or the host's own TERM handler) follows
        }

        @Override
        public void shutdownBegan() {
            evaluator.shutdown(Shutdown.stopping(null));
        }
    }

    /**
     * One running instance: its evaluator, its socket and server, and what the checks are made of (the evaluator thread
     * asks it for them, once {@link #start} has planned everything and started that thread).
     */
    private static final class Running implements Evaluator.CheckFactory {
        final Evaluator evaluator;
        private final Catalog.Configuration configuration;
        /** The bound socket; null while the port is taken and {@link BindRetry} binds in the background. */
        volatile ListeningSocket socket;
        /** Set by {@link #plan} before the evaluator thread starts (which makes them visible to it), like the three below. */
        Gates gates;
        Applications applications;
        private Set<String> presets;
        private JmxAccess jmxAccess;
        private JmxReader jmxReader;
        /** The start line's account of the settings, rules and gates. */
        String description;
        /** Tells the evaluator of the JVM's end (and owns the drain), or null before it is started. */
        volatile ShutdownWatch shutdown;
        /** The URL served, once bound. */
        volatile String url;
        private volatile HealthServer server;
        /** The background bind's thread, while the port is taken. */
        private volatile Thread binding;
        /** Set by {@link #stop}, read by {@link #listen}: a server that starts after a stop is stopped, not published. */
        private boolean stopped;
        /** Evidence on liveness failure (its watchdog thread), or null with {@code evidence=off}. */
        private volatile Evidence evidence;

        private Running(Catalog.Configuration configuration) {
            this.configuration = configuration;
            this.evaluator = new Evaluator(this, configuration.settings.intervalMillis);
        }

        /** On the evaluator thread, once: the built-in checks, the gates', the applications', the rules' and the presets'. */
        @Override
        public List<HealthCheck> create(Evaluator evaluator) {
            List<HealthCheck> checks = BuiltInChecks.create(configuration.settings);
            checks.addAll(gates.checks(evaluator));
            checks.addAll(applications.checks(evaluator));
            checks.addAll(RuleChecks.create(configuration.rules, presets, jmxAccess, jmxReader, evaluator));
            return checks;
        }

        boolean waitingForPort() {
            return binding != null && socket == null;
        }

        /**
         * Plans the gates and the applications, binds the port and starts the server, starts the watches of the JVM's
         * end and the evaluator thread (the checks and the MXBeans load on it), then says where it serves
         * ({@link #announce}). The server answers as soon as it listens: {@code /live} 200, {@code /ready} and
         * {@code /started} 503 "starting", from the evaluator's first snapshot, until the first evaluation.
         *
         * <p>At JVM start the plans come first: their instrumentation must be in place before the application loads
         * the classes it watches, and the application's {@code main} already runs. At attach the bind comes first: a
         * taken port fails before anything is installed in the host.
         */
        static Running start(Catalog.Configuration configuration, long began, boolean atLaunch) throws IOException {
            Settings settings = configuration.settings;
            Running running = new Running(configuration);
            try {
                if (atLaunch) {
                    running.plan(atLaunch);
                }
                String taken = null;
                try {
                    running.bound(ListeningSocket.bind(settings.host, settings.port));
                } catch (BindException e) {
                    taken = "port " + settings.port + " on " + settings.host + " is in use or not available (" + e.getMessage() + ")";
                    if (!atLaunch) {
                        throw new BindException(taken + "; choose another with port=N, or port=0 for a free one");
                    }
                }
                if (taken == null && !running.listen(settings)) {
                    running.stop();
                    return null; // said why
                }
                if (!atLaunch) {
                    running.plan(atLaunch);
                }
                running.watchTheEnd();
                running.evaluator.start();
                if (taken != null) {
                    running.bindInBackground(settings, began, taken);
                    return running;
                }
            } catch (IOException | RuntimeException | Error e) {
                running.stop();
                throw e;
            }
            running.announce(began);
            return running;
        }

        /** The socket bound: its URL. */
        private void bound(ListeningSocket bound) {
            socket = bound;
            url = AgentRuntime.url(bound.getInetAddress(), bound.getLocalPort());
        }

        /** Plans the gates and the applications; the checks follow from them on the evaluator thread. */
        private void plan(boolean atLaunch) {
            Settings settings = configuration.settings;
            Instrumentation instrumentation = AgentInstrumentation.get();
            jmxAccess = JmxAccess.platform(instrumentation);
            jmxReader = new JmxReader(settings.millis(RuleOptions.TIMEOUT.key()));
            gates = Gates.plan(settings, instrumentation, atLaunch);
            applications = Applications.plan(settings, gates, instrumentation, atLaunch, jmxAccess, jmxReader);
            gates.startWatching();
            @SuppressWarnings("unchecked")
            Set<String> chosen = settings.get(RuleOptions.PRESETS.key(), Set.class);
            presets = chosen;
            description = settings + (configuration.rules.isEmpty() ? "" : ", rules=" + ruleNames(configuration.rules))
                    + ", presets=" + (presets.isEmpty() ? "none" : presets) + "; gates " + gateNames(gates, applications)
                    + ", " + applications.describe();
        }

        /** Starts the evidence (its watchdog) and the watch of the JVM's shutdown (and the drain's signal handler). */
        private void watchTheEnd() {
            Settings settings = configuration.settings;
            if ("stderr".equals(settings.text(Evidence.EVIDENCE.key()))) {
                try {
                    evidence = Evidence.start(settings.text(Evidence.EVIDENCE_DIR.key()), settings.intervalMillis, evaluator);
                } catch (Throwable e) {
                    // the probes matter more than the evidence: serve without it
                    evaluator.setListener(null);
                    AgentLog.warn("evidence is off: its watchdog could not start: " + e);
                }
            }
            long drainMillis = settings.millis(ShutdownWatch.DRAIN.key());
            shutdown = ShutdownWatch.start(new ReadinessEnds(evaluator), drainMillis > 0 ? drainMillis * 1_000_000L : 0);
            description += "; " + shutdown.describe();
        }

        /**
         * At JVM start, the port taken: one line, then binds on a thread of its own ({@code jvm-health-port}) as
         * {@link BindRetry} says, serving once bound; after {@link BindRetry#LIMIT_MILLIS} the agent stops with the
         * ERROR line a taken port gave before.
         */
        private void bindInBackground(final Settings settings, final long began, final String taken) {
            final String limit = BindRetry.LIMIT_MILLIS / 60_000 + " min";
            AgentLog.warn("cannot listen yet: " + taken + "; retrying in the background for up to " + limit
                    + " (another JVM started with the agent, such as a command-line tool given the same JAVA_TOOL_OPTIONS,"
                    + " may hold it); the application runs on meanwhile");
            publishError("cannot listen yet: " + taken + "; retrying for up to " + limit);
            final Running running = this;
            Thread t = AgentThreads.create("port", new Runnable() {
                @Override
                public void run() {
                    long start = System.nanoTime();
                    for (int attempt = 0; ; attempt++) {
                        long waited = System.nanoTime() - start;
                        if (waited >= BindRetry.LIMIT_MILLIS * 1_000_000L) {
                            AgentRuntime.notServedInBackground(running, "cannot listen: " + taken + " for " + limit
                                    + "; choose another with port=N, or port=0 for a free one");
                            return;
                        }
                        try {
                            Thread.sleep(BindRetry.delayMillis(attempt));
                        } catch (InterruptedException e) {
                            return; // stopped
                        }
                        ListeningSocket bound;
                        try {
                            bound = ListeningSocket.bind(settings.host, settings.port);
                        } catch (Throwable e) {
                            continue; // still taken
                        }
                        synchronized (running) {
                            if (stopped) {
                                try {
                                    bound.close();
                                } catch (IOException ignored) {
                                    // closing our own fresh socket
                                }
                                return;
                            }
                            bound(bound);
                            description += "; the port was taken for " + (System.nanoTime() - start) / 1_000_000L + " ms";
                        }
                        if (listen(settings)) {
                            announce(began);
                        } else {
                            AgentRuntime.notServedInBackground(running, null);
                        }
                        return;
                    }
                }
            }, null);
            binding = t;
            t.start();
        }

        /**
         * Starts the server on the bound socket: it answers at once, from the evaluator's snapshot. False when it did not
         * start: stopped meanwhile (the port bound in the background), or failed (said why).
         */
        private boolean listen(Settings settings) {
            HealthServer started;
            try {
                started = HealthServer.serve(socket, evaluator, settings.details, settings.tokenBytes());
            } catch (Throwable e) {
                synchronized (this) {
                    if (stopped) {
                        return false; // the socket was closed under it by the stop
                    }
                }
                fail("HTTP listener failed to start: " + AgentLog.describe(e));
                return false;
            }
            synchronized (this) {
                if (stopped) {
                    started.stop();
                    return false;
                }
                server = started;
                return true;
            }
        }

        /**
         * Once the server listens and everything is planned: warms its path up, then publishes the URL and logs the
         * "serving" line, so that whoever reads either can connect at once.
         */
        private void announce(long began) {
            HealthServer s = server;
            if (s == null) {
                return;
            }
            s.warmUp();
            System.clearProperty(ERROR_PROPERTY);
            System.setProperty(URL_PROPERTY, url);
            AgentLog.info("serving /live /ready /started /health at " + url + " (" + description
                    + "; started in " + (System.nanoTime() - began) / 10_000 / 100.0 + " ms)");
        }

        void stop() {
            HealthServer s;
            synchronized (this) {
                stopped = true;
                s = server;
            }
            Thread b = binding;
            if (b != null && b != Thread.currentThread()) {
                b.interrupt();
            }
            ShutdownWatch w = shutdown;
            if (w != null) {
                w.close(); // the agent's stop is not the application's end: /ready is not failed, a drain under way is handed on
            }
            evaluator.stop();
            Evidence e = evidence;
            if (e != null) {
                e.close();
            }
            if (gates != null) {
                gates.close();
            }
            if (s != null) {
                s.stop();
            }
            ListeningSocket open = socket;
            try {
                if (open != null) {
                    open.close();
                }
            } catch (IOException ignored) {
                // already closed by the server
            }
        }
    }
}
