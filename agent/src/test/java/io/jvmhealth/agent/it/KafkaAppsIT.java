package io.jvmhealth.agent.it;

import io.jvmhealth.agent.testing.AgentCli;
import io.jvmhealth.agent.testing.AppProbes;
import io.jvmhealth.agent.testing.Artifacts;
import io.jvmhealth.agent.testing.FreePort;
import io.jvmhealth.agent.testing.GateWindow;
import io.jvmhealth.agent.testing.Http;
import io.jvmhealth.agent.testing.Jdks;
import io.jvmhealth.agent.testing.Json;
import io.jvmhealth.agent.testing.KafkaBroker;
import io.jvmhealth.agent.testing.Poll;
import io.jvmhealth.agent.testing.StopWindow;
import io.jvmhealth.agent.testing.TargetJvm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ready.auto} on Kafka Streams and Kafka Connect (sample-target/apps' hosts) against one real Kafka broker
 * (KRaft, Apache Kafka's own {@code kafka.Kafka}, started once for the class). Streams: {@code /started} and
 * {@code /ready} 503 until its client is RUNNING, 200 right after; {@code close()} turns {@code /ready} 503 and never
 * {@code /live}; ERROR (a processor throws, the handler answers SHUTDOWN_CLIENT) turns {@code /live} 503, on JDK 17
 * and 25; attached into a running client, the gate passes at once; a stream thread added makes the client rebalance,
 * which keeps {@code /ready} and {@code /live} 200. Connect: 503 while its REST server listens but answers 404, 200
 * once its REST API serves; {@code Connect.stop()} turns {@code /ready} 503; attached into a running worker (started
 * without the agent right after the broker, so that its start overlaps the other tests), the gate passes at once. Every application id is fresh (a client that rejoins a group under an old member's
 * id waits for that member's session timeout, 45 s). Figures are printed as MEASURED lines; the bounds are loose
 * for the shared 2-core machine (the target is 100 ms; the interval is 5 s).
 */
class KafkaAppsIT {
    private static final long DELAY_MILLIS = 1500;
    private static final long WINDOW_LIMIT_MILLIS = 2000;
    private static final long STOP_LIMIT_MILLIS = 2000;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(180);
    private static final String STREAMS = "io.jvmhealth.hosts.apps.KafkaStreamsHost";
    private static final String CONNECT = "io.jvmhealth.hosts.apps.KafkaConnectHost";

    @TempDir
    static Path dir;
    private static KafkaBroker broker;
    /** A Connect worker without the agent, started with the broker so that its start overlaps the other tests. */
    private static TargetJvm connectToAttach;
    private static int connectToAttachPort;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = KafkaBroker.start(dir.resolve("kafka"), Jdks.current(), null, START_TIMEOUT);
        System.err.println("MEASURED Kafka broker for KafkaAppsIT: storage formatted in " + broker.formatTook.toMillis()
                + " ms, ApiVersions answered " + broker.startTook.toMillis() + " ms after its JVM started");
        connectToAttachPort = FreePort.find();
        connectToAttach = TargetJvm.builder().main(Artifacts.appHostsClassPath(), CONNECT, "--port=" + connectToAttachPort,
                "--bootstrap=" + broker.bootstrap(), "--dir=" + dir.resolve("connect-attached")).start();
    }

    @AfterAll
    static void stopBroker() {
        if (connectToAttach != null) {
            connectToAttach.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    private static String freshId(String what) {
        return what + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static TargetJvm.Builder streams(Path java, String id, long delayMillis) {
        return TargetJvm.builder().java(java).main(Artifacts.appHostsClassPath(), STREAMS, "--bootstrap=" + broker.bootstrap(),
                "--application-id=" + id, "--delay-ms=" + delayMillis, "--dir=" + dir.resolve(id));
    }

    @Test
    void streamsReadyWhenRunningAndNotReadyOnceClosedWhichIsNoLivenessFailure() throws Exception {
        String id = freshId("launched");
        try (TargetJvm host = streams(Jdks.current(), id, DELAY_MILLIS).agent("port=0,interval=5s").start()) {
            String url = host.agentUrl(Duration.ofSeconds(60));
            assertTrue(host.stderrLines().stream().anyMatch(l -> l.contains("ready.auto recognized kafka-streams;")), host.stderrLines().toString());
            GateWindow.Result window = GateWindow.watch(host, url, "app:kafka-streams", () -> AppProbes.printed(host, "serving " + id), START_TIMEOUT,
                    Duration.ofSeconds(1)); // the host's listener prints after Streams set RUNNING, which the gate reads
            window.report("app:kafka-streams", Jdks.current(), " (the host's state listener printed RUNNING)", WINDOW_LIMIT_MILLIS);
            assertTrue(window.waitingReason.startsWith("waiting for Kafka Streams to be RUNNING: "), window.waitingReason);

            // a stream thread added: it joins the group and the client rebalances, which is part of serving
            host.send("add-thread");
            long rebalanceDeadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            boolean rebalanced = false;
            while (!rebalanced) {
                assertTrue(System.nanoTime() < rebalanceDeadline, () -> "no rebalance seen after add-thread: " + host);
                boolean sawRebalancing = AppProbes.printed(host, "state RUNNING REBALANCING");
                Http.Response ready = Http.get(url, "/ready");
                assertEquals(200, ready.status, "/ready while the client rebalances: " + ready.body);
                assertEquals(200, Http.get(url, "/live").status);
                rebalanced = sawRebalancing && host.stdoutLines().stream().filter(l -> l.equals("state REBALANCING RUNNING")).count() >= 2;
                LockSupport.parkNanos(5_000_000);
            }
            System.err.println("MEASURED Kafka Streams: /ready and /live stayed 200 while the client rebalanced (a stream thread added)");

            // close() moves the client to PENDING_SHUTDOWN from RUNNING, or from REBALANCING where the group rebalanced once more
            StopWindow.stop(host, url, () -> host.stdoutLines().stream().noneMatch(l -> l.startsWith("state ") && l.endsWith(" PENDING_SHUTDOWN")),
                    Duration.ofSeconds(60)).report("app:kafka-streams", " (close(): -> PENDING_SHUTDOWN)", STOP_LIMIT_MILLIS);
            AppProbes.awaitLine(host, "state PENDING_SHUTDOWN NOT_RUNNING", Duration.ofSeconds(60));
            long until = System.nanoTime() + 1_000_000_000L;
            while (System.nanoTime() < until) {
                assertEquals(200, Http.get(url, "/live").status, "a closed client is not a liveness failure");
                LockSupport.parkNanos(50_000_000);
            }
            Http.Response ready = Http.get(url, "/ready");
            assertEquals(503, ready.status);
            String reason = String.valueOf(Json.at(ready.json(), "checks", "app:kafka-streams", "reason"));
            assertTrue(reason.startsWith("Kafka Streams stopped serving: ") && reason.contains("NOT_RUNNING"), ready.body);
        }
    }

    @Test
    void attachedIntoARunningStreamsClientPassesAtOnceAndItsErrorFailsLiveness() throws Exception {
        String id = freshId("attached");
        try (TargetJvm host = streams(Jdks.current(), id, 0).start()) {
            AppProbes.awaitLine(host, "serving " + id, START_TIMEOUT);
            String url = attach(host, "app:kafka-streams");
            Http.Response started = Http.get(url, "/started");
            Object clients = Json.at(started.json(), "checks", "app:kafka-streams", "details", "clients");
            assertTrue(clients instanceof java.util.Map && ((java.util.Map<?, ?>) clients).containsValue("RUNNING"), started.body);
            errorFailsLiveness(host, url, Jdks.current());
        }
    }

    @Test
    void attachedIntoARunningConnectWorkerPassesAtOnce() throws Exception {
        AppProbes.awaitLine(connectToAttach, "serving " + connectToAttachPort, START_TIMEOUT);
        attach(connectToAttach, "app:kafka-connect");
        assertTrue(AppProbes.http(connectToAttachPort, "/", Duration.ofSeconds(5)), "the worker's REST API serves: " + connectToAttach);
    }

    @Test
    void streamsErrorFailsLivenessOnJdk25() throws Exception {
        Path java = Jdks.requireJava25();
        String id = freshId("jdk25");
        try (TargetJvm host = streams(java, id, 0).agent("port=0,interval=5s").start()) {
            String url = host.agentUrl(Duration.ofSeconds(60));
            Poll.until("/ready 200 (" + host + ")", START_TIMEOUT, () -> Http.get(url, "/ready").status, s -> s == 200);
            errorFailsLiveness(host, url, java);
        }
    }

    /** {@code fail}: the next record throws, the client goes PENDING_ERROR then ERROR; /live turns 503 and says why. */
    private static void errorFailsLiveness(TargetJvm host, String url, Path java) throws Exception {
        assertEquals(200, Http.get(url, "/live").status);
        host.send("fail");
        AppProbes.awaitLine(host, "state PENDING_ERROR ERROR", Duration.ofSeconds(60));
        long error = System.nanoTime();
        Http.Response live = Poll.until("/live 503 after ERROR (" + host + ")", Duration.ofSeconds(30), () -> Http.get(url, "/live"),
                r -> r.status == 503);
        System.err.println("MEASURED Kafka Streams ERROR (" + java + "): /live 503 " + (System.nanoTime() - error) / 1_000_000
                + " ms after the host printed ERROR");
        assertEquals("unhealthy", Json.at(live.json(), "checks", "app:kafka-streams-state", "status"), live.body);
        assertTrue(String.valueOf(Json.at(live.json(), "checks", "app:kafka-streams-state", "reason")).contains("is in state ERROR"), live.body);
        assertEquals(503, Http.get(url, "/ready").status);
        assertEquals(200, Http.get(url, "/started").status);
        assertTrue(host.process().isAlive(), "the host lives on in ERROR: " + host);
    }

    @Test
    void connectReadyWhenItsRestApiServesAndNotAfterItsStop() throws Exception {
        int port = FreePort.find();
        long began = System.nanoTime();
        try (TargetJvm host = TargetJvm.builder().agent("port=0,interval=5s").main(Artifacts.appHostsClassPath(), CONNECT,
                "--port=" + port, "--bootstrap=" + broker.bootstrap(), "--delay-ms=" + DELAY_MILLIS, "--dir=" + dir.resolve("connect")).start()) {
            String url = host.agentUrl(Duration.ofSeconds(60));
            assertTrue(host.stderrLines().stream().anyMatch(l -> l.contains("ready.auto recognized kafka-connect;")), host.stderrLines().toString());
            GateWindow.Result window = GateWindow.watch(host, url, "app:kafka-connect",
                    () -> AppProbes.http(port, "/", Duration.ofSeconds(5)), START_TIMEOUT);
            window.report("app:kafka-connect", Jdks.current(), ", its REST API (GET / 200) serving " + (window.appServingNanos - began) / 1_000_000
                    + " ms after its JVM started", WINDOW_LIMIT_MILLIS);
            assertTrue(window.waitingReason.startsWith("waiting for Kafka Connect's REST API (Connect.start to return)"), window.waitingReason);

            StopWindow.stop(host, url, () -> AppProbes.http(port, "/", Duration.ofSeconds(5)), Duration.ofSeconds(60))
                    .report("app:kafka-connect", " (Connect.stop())", STOP_LIMIT_MILLIS);
            Http.Response ready = Http.get(url, "/ready");
            assertEquals(503, ready.status);
            assertTrue(String.valueOf(Json.at(ready.json(), "checks", "app:kafka-connect", "reason")).startsWith("Kafka Connect stopped serving: Connect.stop()"),
                    ready.body);
            assertEquals(200, Http.get(url, "/live").status);
        }
    }

    /** Attaches the agent and waits for /started 200 with the gate healthy; returns the agent's URL. */
    private static String attach(TargetJvm host, String gate) throws Exception {
        long began = System.nanoTime();
        AgentCli.Result attached = AgentCli.run("attach", String.valueOf(host.pid()), "port=0,interval=5s");
        assertEquals(0, attached.exitCode, attached.toString());
        String url = attached.stdout.stream().filter(l -> l.startsWith("http://")).findFirst()
                .orElseThrow(() -> new AssertionError("no URL printed: " + attached));
        Http.Response started = Poll.until("/started 200 after attach", Duration.ofSeconds(20), () -> Http.get(url, "/started"),
                r -> r.status == 200);
        System.err.println("MEASURED attach into " + gate + ": /started 200 " + (System.nanoTime() - began) / 1_000_000
                + " ms after the attach command began (" + Json.at(started.json(), "checks", gate, "details", "decidedBy") + ")");
        assertEquals("healthy", Json.at(started.json(), "checks", gate, "status"), started.body);
        assertEquals(200, Http.get(url, "/ready").status);
        return url;
    }
}
