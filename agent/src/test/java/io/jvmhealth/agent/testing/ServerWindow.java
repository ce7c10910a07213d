package io.jvmhealth.agent.testing;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The loops of the real servers' gate tests (WildFlyIT, KeycloakIT), for servers started by their own scripts
 * ({@link ScriptedServer}): {@link #start} is {@link GateWindow#watch}'s loop over a server whose agent URL is fixed
 * (kc.sh runs two JVMs on it, one after the other: a round where the agent's port refuses is skipped) and whose
 * "serving" is the caller's to say; {@link #stop} watches an application stop (a suspend, SIGTERM) until the
 * application refuses, and says whether {@code /ready} turned 503 first.
 */
public final class ServerWindow {
    private ServerWindow() {
    }

    /** The agent's three answers in one round; null where the agent's port refused. */
    public static final class Agent {
        public final Http.Response started;
        public final int ready;
        public final int live;

        Agent(Http.Response started, int ready, int live) {
            this.started = started;
            this.ready = ready;
            this.live = live;
        }

        public static Agent read(String url) {
            try {
                Http.Response started = Http.get(url, "/started");
                int ready = Http.get(url, "/ready").status;
                int live = Http.get(url, "/live").status;
                return new Agent(started, ready, live);
            } catch (IOException e) {
                return null; // no agent listening (between two JVMs, or not started yet)
            }
        }

        public String reason(String gate) {
            Object r = Json.at(started.json(), "checks", gate, "reason");
            return r == null ? null : r.toString();
        }
    }

    /** What {@link #start} saw. */
    public static final class Start {
        public long appServingNanos;
        public long agentReadyNanos;
        /** Rounds in which the agent answered while the application did not serve, and their gate's reasons (distinct). */
        public int waitingRounds;
        public final List<String> reasons = new ArrayList<>();

        /** Agent ready minus application serving, in ms. */
        public long windowMillis() {
            return (agentReadyNanos - appServingNanos) / 1_000_000;
        }
    }

    /**
     * Whether something accepts a TCP connection on 127.0.0.1:port (connected, then closed at once: no request, so a
     * server that is starting pays nothing for being watched).
     */
    public static boolean accepts(int port) {
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new java.net.InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Polls every {@code pause} (plus the probes' time) until the application serves and the agent answers 200 on
     * {@code /started} and {@code /ready}: while the application does not serve, both must be 503; {@code /live} 200
     * whenever the agent answers. {@code alive} must hold throughout.
     */
    public static Start start(String url, String gate, BooleanSupplier serving, Supplier<String> alive, Duration timeout, Duration pause) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Start s = new Start();
        while (System.nanoTime() < deadline && (s.appServingNanos == 0 || s.agentReadyNanos == 0)) {
            String dead = alive.get();
            if (dead != null) {
                fail("the server ended while starting: " + dead);
            }
            Agent a = Agent.read(url);
            boolean servingNow = serving.getAsBoolean();
            long now = System.nanoTime();
            if (a != null) {
                assertEquals(200, a.live, "/live while starting");
                if (!servingNow) {
                    assertEquals(503, a.started.status, "/started before the application serves: " + a.started);
                    assertEquals(503, a.ready, "/ready before the application serves");
                    s.waitingRounds++;
                    String reason = a.reason(gate);
                    if (reason != null && !s.reasons.contains(reason) && s.reasons.size() < 20) {
                        s.reasons.add(reason);
                    }
                }
                if (a.started.status == 200 && a.ready == 200 && s.agentReadyNanos == 0) {
                    s.agentReadyNanos = now;
                }
            }
            if (servingNow && s.appServingNanos == 0) {
                s.appServingNanos = now;
            }
            LockSupport.parkNanos(pause.toNanos());
        }
        assertTrue(s.appServingNanos != 0 && s.agentReadyNanos != 0, "application and agent both ready within "
                + timeout.getSeconds() + " s (application " + (s.appServingNanos != 0) + ", agent " + (s.agentReadyNanos != 0) + ")");
        assertTrue(s.windowMillis() >= 0, "the agent was never ready before the application served: " + s.windowMillis() + " ms");
        return s;
    }

    /** What {@link #stop} saw, in ms from the action. */
    public static final class Stop {
        public long agentNotReadyMillis = -1;
        public long appNotOkMillis = -1;
        public long appRefusedMillis = -1;
        public GateWindow.Answer firstNotOk;
        public String reason;
        public int agentRounds;

        @Override
        public String toString() {
            return "agent /ready 503 at " + agentNotReadyMillis + " ms (" + reason + "), the application first answered other than 200 ("
                    + firstNotOk + ") at " + appNotOkMillis + " ms, refused at " + appRefusedMillis + " ms";
        }
    }

    /**
     * Runs {@code action} (a suspend, a signal), then polls: the agent's {@code /ready} (and {@code /started}, which must stay
     * 200, and {@code /live}, 200, while the agent answers) and then the application, every 5 ms, until the application
     * refuses connections, or, when {@code untilRefused} is false, until the agent said 503 and the application answered other
     * than 200, or {@code timeout}.
     */
    public static Stop stop(String url, String gate, Runnable action, Supplier<GateWindow.Answer> app, boolean untilRefused, Duration timeout) {
        Stop s = new Stop();
        long began = System.nanoTime();
        action.run();
        long deadline = began + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Agent a = Agent.read(url);
            long t = (System.nanoTime() - began) / 1_000_000;
            if (a != null) {
                s.agentRounds++;
                assertEquals(200, a.started.status, "/started stays 200 through the stop");
                assertEquals(200, a.live, "/live stays 200 through the stop");
                if (a.ready == 503 && s.agentNotReadyMillis < 0) {
                    s.agentNotReadyMillis = t;
                    Object r = Json.at(Json.parseObject(getQuietly(url, "/ready")), "reason");
                    s.reason = r == null ? a.reason(gate) : r.toString();
                }
            }
            GateWindow.Answer answer = app.get();
            t = (System.nanoTime() - began) / 1_000_000;
            if (answer != GateWindow.Answer.OK && s.appNotOkMillis < 0) {
                s.appNotOkMillis = t;
                s.firstNotOk = answer;
            }
            if (answer == GateWindow.Answer.REFUSED) {
                s.appRefusedMillis = t;
                return s;
            }
            if (!untilRefused && s.appNotOkMillis >= 0 && s.agentNotReadyMillis >= 0) {
                return s;
            }
            LockSupport.parkNanos(5_000_000);
        }
        fail("within " + timeout.getSeconds() + " s: " + s);
        return s;
    }

    private static String getQuietly(String url, String path) {
        try {
            return Http.get(url, path).body;
        } catch (IOException e) {
            return "{}";
        }
    }
}
