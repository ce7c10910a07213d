package io.jvmhealth.agent.it;

import io.jvmhealth.agent.testing.GateWindow;
import io.jvmhealth.agent.testing.Keycloak;
import io.jvmhealth.agent.testing.Poll;
import io.jvmhealth.agent.testing.ScriptedServer;
import io.jvmhealth.agent.testing.WildFly;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real servers of issue 21 start, serve and stop as their users run them, without the agent: the setup the gate
 * tests for WildFly and Keycloak build on (testing/WildFly, testing/Keycloak, testing/ScriptedServer). WildFly's
 * {@code standalone.sh} with a deployment whose start-up takes {@link #DELAY_MILLIS}: its HTTP port listens, and holds
 * requests unanswered (the server is suspended while it boots), before the deployment's servlet answers 200. Keycloak's
 * {@code kc.sh start-dev}: a rebuild-check JVM first, then the server JVM in the script's own pid. Each is stopped with
 * SIGTERM to its server JVM, as Kubernetes stops a container whose entry point runs the JVM; the script exits with 143
 * and no process of either tree is left (the trees are killed in any case when a test fails).
 */
class ServersSetupIT {
    /** How long slow.war's listener holds WildFly's boot: several of the probes' read timeouts. */
    private static final long DELAY_MILLIS = 4000;
    private static final Duration READ_TIMEOUT = Duration.ofMillis(1000);
    /** Generous: on the shared 2-core machine Keycloak's server JVM took up to 226 s to its first 200 (load 20). */
    private static final Duration START_LIMIT = Duration.ofMinutes(6);

    @TempDir
    Path temp;

    @Test
    void wildflyServesAfterItsSlowDeploymentAndStopsOnSigterm() throws Exception {
        try (WildFly.Started wildfly = WildFly.builder().startDelayMillis(DELAY_MILLIS).start(temp)) {
            ProcessHandle jvm = wildfly.jvm(Duration.ofSeconds(60));
            Serving serving = awaitOk(wildfly.server, jvm.info().startInstant().orElseThrow(), "the server JVM started", () -> wildfly.probe(READ_TIMEOUT), START_LIMIT);
            assertTrue(serving.heldWhileListening > 0, "the port accepted GET " + WildFly.OK_PATH + " and held it unanswered"
                    + " for at least one read timeout before the deployment served (the server is suspended while it boots): " + serving);
            System.err.println("MEASURED wildfly standalone.sh: " + serving);
            String log = wildfly.serverLog();
            assertTrue(log.contains("SlowStartListener: held the deployment for " + DELAY_MILLIS + " ms"), "the deployment's listener ran: " + log);
            assertTrue(log.contains("WFLYSRV0025"), "WildFly logged its start: " + log);
            assertFalse(log.contains("ERROR"), "no ERROR in server.log: " + log);

            jvm.destroy(); // SIGTERM
            assertEquals(143, wildfly.server.awaitExit(Duration.ofSeconds(60)), "standalone.sh's exit code after SIGTERM to its JVM");
            List<String> output = wildfly.server.outputAfterEnd(Duration.ofSeconds(10));
            assertTrue(output.stream().anyMatch(l -> l.contains("WFLYSRV0220: Server shutdown has been requested via an OS signal")), String.valueOf(output));
            assertTrue(output.stream().anyMatch(l -> l.contains("WFLYSRV0050")), "WildFly logged its stop: " + output);
            assertNothingLeft(wildfly.server, wildfly.httpPort);
        }
    }

    @Test
    void keycloakStartDevServesFromTheScriptsPidAfterItsRebuildCheckJvm() throws Exception {
        try (Keycloak.Started keycloak = Keycloak.builder().start(temp)) {
            ProcessHandle jvm = keycloak.serverJvm(START_LIMIT);
            Instant seen = Instant.now(); // the server JVM's own start time is the script's: kc.sh exec'd it
            assertEquals(keycloak.server.script().pid(), jvm.pid(), "kc.sh exec'd the server JVM in its own pid");
            Serving serving = awaitOk(keycloak.server, seen, "the server JVM was seen (kc.sh exec'd it after the rebuild check)", () -> keycloak.probe(READ_TIMEOUT), START_LIMIT);
            Poll.until("Quarkus' 'started in ... Listening on: http://127.0.0.1:" + keycloak.httpPort + "'", Duration.ofSeconds(10),
                    keycloak.server::output, lines -> lines.stream().anyMatch(l -> l.contains("started in")
                            && l.contains("Listening on: http://127.0.0.1:" + keycloak.httpPort)));
            List<String> jvms = keycloak.server.seenJvms(Keycloak.MAIN_CLASS);
            assertEquals(2, jvms.size(), "two JVMs ran " + Keycloak.MAIN_CLASS + ", the rebuild check, then the server: " + jvms);
            assertFalse(jvms.get(0).contains(Keycloak.SERVER_JVM_MARKER), "the first is the rebuild check: " + jvms.get(0));
            assertTrue(jvms.get(1).contains(Keycloak.SERVER_JVM_MARKER), "the second is the server: " + jvms.get(1));
            System.err.println("MEASURED keycloak start-dev: " + serving);

            jvm.destroy(); // SIGTERM, to the script's pid: the server JVM itself
            assertEquals(143, keycloak.server.awaitExit(Duration.ofSeconds(60)), "kc.sh's exit code after SIGTERM");
            List<String> output = keycloak.server.outputAfterEnd(Duration.ofSeconds(10));
            assertTrue(output.stream().anyMatch(l -> l.contains("stopped in")), "Quarkus logged its stop: " + output);
            assertNothingLeft(keycloak.server, keycloak.httpPort);
        }
    }

    /** What {@link #awaitOk} saw. */
    private static final class Serving {
        String from;
        long millis;
        int refused;
        int heldWhileListening;
        int otherStatus;

        @Override
        public String toString() {
            return "first 200 " + millis + " ms after " + from + "; rounds refused " + refused + ", held unanswered "
                    + heldWhileListening + ", answered other than 200 " + otherStatus;
        }
    }

    /**
     * Probes until the server answers 200, counting how the other rounds went; fails if the script exits or at the
     * deadline. The time to the first 200 is counted from {@code since}, described by {@code from}.
     */
    private static Serving awaitOk(ScriptedServer server, Instant since, String from, Supplier<GateWindow.Answer> probe, Duration limit) {
        Serving s = new Serving();
        s.from = from;
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            assertTrue(server.script().isAlive(), "the server's script exited before it served: " + server);
            GateWindow.Answer a = probe.get();
            if (a == GateWindow.Answer.OK) {
                s.millis = Duration.between(since, Instant.now()).toMillis();
                return s;
            }
            if (a == GateWindow.Answer.REFUSED) {
                s.refused++;
            } else if (a == GateWindow.Answer.SILENT) {
                s.heldWhileListening++;
            } else {
                s.otherStatus++;
            }
            assertTrue(System.nanoTime() < deadline, "no 200 within " + limit.getSeconds() + " s (" + s + "): " + server);
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
    }

    private static void assertNothingLeft(ScriptedServer server, int port) {
        assertEquals(List.of(), server.alive(), "no process of the server's tree is left");
        assertEquals(GateWindow.Answer.REFUSED, GateWindow.probe(port, READ_TIMEOUT), "the HTTP port is closed");
    }
}
