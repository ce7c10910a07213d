package io.jvmhealth.agent;

import io.jvmhealth.agent.config.InvalidOptionException;
import io.jvmhealth.agent.config.Options;
import io.jvmhealth.agent.config.Settings;
import io.jvmhealth.agent.health.Evaluator;
import io.jvmhealth.agent.health.HealthCheck;
import io.jvmhealth.agent.health.checks.BuiltInChecks;
import io.jvmhealth.agent.http.HealthServer;

import java.io.IOException;
import java.net.BindException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;

/**
 * Starts and stops the one agent instance of this JVM, and publishes its state in system properties:
 * {@value #URL_PROPERTY} while it runs, {@value #ERROR_PROPERTY} when the last start failed (read by
 * the command-line tool through the attach API, without loading anything into the JVM).
 *
 * <p>Guarantees: every failure, including an option error, is caught and reported as one line on
 * stderr; a second start while running starts nothing; stop leaves no thread, socket or listener
 * behind. At JVM start ({@link #startAtLaunch}) the host's thread only starts one daemon thread and
 * returns: parsing, binding and class loading happen beside the application's start-up, not before
 * it (measured with scripts/bench.sh's probes: Hello's median wall time with the agent went from
 * 301 ms to 170 ms, against 145 ms with an empty agent). On attach ({@link #start}) the attaching thread parses and
 * binds, so the attach tool sees the outcome (URL or error) as soon as loading returns.
 */
public final class AgentRuntime {
    public static final String URL_PROPERTY = "jvmhealth.url";
    public static final String ERROR_PROPERTY = "jvmhealth.error";
    static final String START_THREAD = "jvm-health-start";

    private static Running current;

    private AgentRuntime() {
    }

    /**
     * For {@code premain}: runs {@link #start} on a daemon thread named {@value #START_THREAD} and
     * returns at once. The JVM may exit before it finishes (a short-lived program): nothing is lost.
     */
    public static void startAtLaunch(final String args) {
        try {
            Thread t = new Thread(new Runnable() {
                @Override
                public void run() {
                    start(args);
                }
            }, START_THREAD);
            t.setDaemon(true);
            t.start();
        } catch (Throwable e) {
            fail("failed to start: " + e.getClass().getName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
    }

    /** Starts the agent unless it already runs; returns the URL it serves, or null when it did not start. */
    public static synchronized String start(String args) {
        try {
            if (current != null) {
                AgentLog.info("already running at " + current.url + "; not starting another");
                return current.url;
            }
            String published = System.getProperty(URL_PROPERTY);
            if (published != null) {
                AgentLog.info("an agent (another copy of the jar) already runs at " + published + "; not starting another");
                return published;
            }
            Settings settings = Options.fromEnvironment(args);
            AgentLog.setLevel(settings.log);
            current = Running.start(settings);
            System.clearProperty(ERROR_PROPERTY);
            System.setProperty(URL_PROPERTY, current.url);
            AgentLog.info("serving /live /ready /started /health at " + current.url + " (" + settings + ")");
            return current.url;
        } catch (InvalidOptionException e) {
            fail(e.getMessage());
        } catch (BindException e) {
            fail("cannot listen: " + e.getMessage());
        } catch (Throwable e) {
            fail("failed to start: " + e.getClass().getName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
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
            AgentLog.info("stopped; " + running.url + " is closed");
        } catch (Throwable e) {
            AgentLog.warn("stopped with an error: " + e);
        } finally {
            System.clearProperty(URL_PROPERTY);
        }
        return true;
    }

    private static void fail(String reason) {
        String message = "agent not started: " + reason + " (the application runs on without it)";
        try {
            System.setProperty(ERROR_PROPERTY, reason);
        } catch (Throwable ignored) {
            // a security manager may refuse: the stderr line still tells
        }
        AgentLog.error(message);
    }

    /** One running instance: its evaluator and server. */
    private static final class Running {
        final Evaluator evaluator;
        final HealthServer server;
        final String url;

        private Running(Evaluator evaluator, HealthServer server, String url) {
            this.evaluator = evaluator;
            this.server = server;
            this.url = url;
        }

        static Running start(final Settings settings) throws IOException {
            // Anonymous classes, not lambdas: a JVM's first lambdas cost tens of milliseconds of
            // bootstrapping, and this runs on the way to the first answer.
            Evaluator evaluator = new Evaluator(new Evaluator.CheckFactory() {
                @Override
                public List<HealthCheck> create() {
                    return BuiltInChecks.create(settings);
                }
            }, settings.intervalMillis);
            HealthServer server;
            try {
                server = HealthServer.bind(settings.host, settings.port, evaluator, settings.details, settings.tokenBytes());
            } catch (BindException e) {
                throw new BindException("port " + settings.port + " on " + settings.host + " is in use or not available ("
                        + e.getMessage() + "); choose another with port=N, or port=0 for a free one");
            }
            final HealthServer listening = server;
            evaluator.start(new Runnable() {
                @Override
                public void run() {
                    try {
                        listening.start();
                    } catch (Throwable e) {
                        AgentLog.error("HTTP listener failed to start: " + e);
                    }
                }
            });
            return new Running(evaluator, server, url(server.address(), server.port()));
        }

        void stop() {
            evaluator.stop();
            server.stop();
        }

        static String url(InetAddress address, int port) {
            String host;
            if (address.isAnyLocalAddress()) {
                host = address instanceof Inet6Address ? "[::1]" : "127.0.0.1";
            } else if (address instanceof Inet6Address) {
                host = "[" + address.getHostAddress() + "]";
            } else {
                host = address.getHostAddress();
            }
            return "http://" + host + ":" + port + "/";
        }
    }
}
