package io.jvmhealth.agent.it;

import io.jvmhealth.agent.testing.AgentCli;
import io.jvmhealth.agent.testing.AppProbes;
import io.jvmhealth.agent.testing.Artifacts;
import io.jvmhealth.agent.testing.FreePort;
import io.jvmhealth.agent.testing.GateWindow;
import io.jvmhealth.agent.testing.Http;
import io.jvmhealth.agent.testing.Jdks;
import io.jvmhealth.agent.testing.Json;
import io.jvmhealth.agent.testing.Poll;
import io.jvmhealth.agent.testing.StopWindow;
import io.jvmhealth.agent.testing.TargetJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntPredicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ready.auto} on the real servers of sample-target/apps that need no broker: Vert.x, Netty, grpc-java,
 * Micronaut (their gate: a listening port of this JVM) and ZooKeeper standalone (its data tree MBean). Each starts
 * with the agent and a start-up delay spent inside the framework's start: {@code /started} and {@code /ready} are 503
 * until it answers in its own protocol, 200 right after ({@link GateWindow}), {@code /live} 200 throughout; its
 * {@code stop} (the application's own stop, the JVM lives on) turns {@code /ready} 503 ({@link StopWindow}); the
 * host's exit code is its own. Then the agent attached into each one already serving passes its gate at once.
 * The figures are printed as MEASURED lines; the bounds asserted are looser than the 100 ms target because two
 * integration-test classes run at once on a shared 2-core machine (the interval is 5 s, so anything under a second is
 * the gate publishing at once).
 */
class AppServersIT {
    private static final long DELAY_MILLIS = 1500;
    private static final long WINDOW_LIMIT_MILLIS = 2000;
    private static final long STOP_LIMIT_MILLIS = 2000;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(150);

    @TempDir
    Path dir;

    @Test
    void vertxReadyWhenItsServerListens() throws Exception {
        servesThenStops(Jdks.current(), "io.jvmhealth.hosts.apps.VertxHost", "app:vertx", "Vert.x to listen", port -> AppProbes.http(port, "/", Duration.ofSeconds(5)));
    }

    @Test
    void nettyReadyWhenItsServerBootstrapIsBoundOnJdk17() throws Exception {
        servesThenStops(Jdks.current(), "io.jvmhealth.hosts.apps.NettyHost", "app:netty", "Netty to listen", port -> AppProbes.http(port, "/", Duration.ofSeconds(5)));
    }

    @Test
    void nettyReadyWhenItsServerBootstrapIsBoundOnJdk25() throws Exception {
        servesThenStops(Jdks.requireJava25(), "io.jvmhealth.hosts.apps.NettyHost", "app:netty", "Netty to listen",
                port -> AppProbes.http(port, "/", Duration.ofSeconds(5)));
    }

    @Test
    void grpcReadyWhenStartReturnedAndNotAfterShutdown() throws Exception {
        servesThenStops(Jdks.current(), "io.jvmhealth.hosts.apps.GrpcHost", "app:grpc", "gRPC to listen", AppProbes::http2);
    }

    /** Micronaut's first request is slow on a loaded machine (seconds of first-request initialization): a long read timeout. */
    @Test
    void micronautReadyWhenItsServerStarted() throws Exception {
        servesThenStops(Jdks.current(), "io.jvmhealth.hosts.apps.MicronautHost", "app:micronaut", "Micronaut's HTTP server to start",
                port -> AppProbes.http(port, "/", Duration.ofSeconds(20)));
    }

    @Test
    void zooKeeperStandaloneReadyWhenItServes() throws Exception {
        servesThenStops(Jdks.current(), "io.jvmhealth.hosts.apps.ZooKeeperHost", "app:zookeeper", "ZooKeeper to serve",
                port -> "standalone".equals(AppProbes.zooKeeperMode(port)), "--dir=" + dir.resolve("zookeeper"));
    }

    private void servesThenStops(Path java, String main, String gate, String waitingFor, IntPredicate serving, String... extra) throws Exception {
        int port = FreePort.find();
        List<String> args = new ArrayList<>(List.of("--port=" + port, "--delay-ms=" + DELAY_MILLIS));
        args.addAll(Arrays.asList(extra));
        long began = System.nanoTime();
        try (TargetJvm host = TargetJvm.builder().java(java).agent("port=0,interval=5s")
                .main(Artifacts.appHostsClassPath(), main, args.toArray(new String[0])).start()) {
            String url = host.agentUrl(Duration.ofSeconds(60));
            assertTrue(host.stderrLines().stream().anyMatch(l -> l.contains("ready.auto recognized " + gate.substring(4) + ";")
                            || l.endsWith("ready.auto recognized " + gate.substring(4))),
                    "the start line names the application and only it: " + host.stderrLines());
            GateWindow.Result window = GateWindow.watch(host, url, gate, () -> serving.test(port), START_TIMEOUT);
            Http.Response started = window.report(gate, java, ", serving " + (window.appServingNanos - began) / 1_000_000
                    + " ms after its JVM started (delay " + DELAY_MILLIS + " ms)", WINDOW_LIMIT_MILLIS);
            assertTrue(window.waitingReason.startsWith("waiting for " + waitingFor), "the reason says what it waits for: " + window.waitingReason);
            if (!gate.equals("app:zookeeper")) {
                assertEquals(port, ((Number) Json.at(started.json(), "checks", gate, "details", "port")).intValue(), started.body);
            } else {
                assertEquals("standalone", Json.at(started.json(), "checks", gate, "details", "mode"), started.body);
            }

            StopWindow.stop(host, url, () -> serving.test(port), Duration.ofSeconds(60)).report(gate + " (" + java + ")", "", STOP_LIMIT_MILLIS);
            Http.Response ready = Http.get(url, "/ready");
            assertEquals(503, ready.status);
            String reason = String.valueOf(Json.at(ready.json(), "checks", gate, "reason"));
            String display = waitingFor.substring(0, waitingFor.indexOf(' ')).replace("'s", "");
            assertTrue(reason.startsWith(display + " stopped serving: "), ready.body);
            if (!gate.equals("app:zookeeper")) {
                assertTrue(reason.contains("port " + port + " no longer listens"), ready.body);
            }
            assertEquals(200, Http.get(url, "/live").status, "/live after the application stopped: " + Http.get(url, "/live").body);

            host.send("exit 3");
            assertEquals(3, host.awaitExit(Duration.ofSeconds(30)), "the host's own exit code: " + host);
        }
    }

    /**
     * Each of the five, started without the agent and serving, then the agent attached: {@code /started} 200 within
     * seconds, decided by the application's own port (never the agent's). The five start at once (their start-up is
     * most of this test's time).
     */
    @Test
    void attachedIntoServersThatServePassesAtOnce() throws Exception {
        String[][] apps = {
                {"io.jvmhealth.hosts.apps.VertxHost", "app:vertx"},
                {"io.jvmhealth.hosts.apps.NettyHost", "app:netty"},
                {"io.jvmhealth.hosts.apps.GrpcHost", "app:grpc"},
                {"io.jvmhealth.hosts.apps.MicronautHost", "app:micronaut"},
                {"io.jvmhealth.hosts.apps.ZooKeeperHost", "app:zookeeper"}};
        List<TargetJvm> hosts = new ArrayList<>();
        try {
            int[] ports = new int[apps.length];
            for (int i = 0; i < apps.length; i++) {
                ports[i] = FreePort.find();
                hosts.add(TargetJvm.builder().main(Artifacts.appHostsClassPath(), apps[i][0], "--port=" + ports[i],
                        "--dir=" + dir.resolve("attach-" + i)).start());
            }
            for (int i = 0; i < apps.length; i++) {
                AppProbes.awaitLine(hosts.get(i), "serving " + ports[i], START_TIMEOUT);
            }
            for (int i = 0; i < apps.length; i++) {
                String gate = apps[i][1];
                long began = System.nanoTime();
                AgentCli.Result attached = AgentCli.run("attach", String.valueOf(hosts.get(i).pid()), "port=0,interval=5s");
                assertEquals(0, attached.exitCode, attached.toString());
                String url = attached.stdout.stream().filter(l -> l.startsWith("http://")).findFirst()
                        .orElseThrow(() -> new AssertionError("no URL printed: " + attached));
                Http.Response started = Poll.until("/started 200 after attach", Duration.ofSeconds(20), () -> Http.get(url, "/started"),
                        r -> r.status == 200);
                System.err.println("MEASURED attach into " + gate + ": /started 200 " + (System.nanoTime() - began) / 1_000_000
                        + " ms after the attach command began (" + Json.at(started.json(), "checks", gate, "details", "decidedBy") + ")");
                assertEquals("healthy", Json.at(started.json(), "checks", gate, "status"), started.body);
                if (!gate.equals("app:zookeeper")) {
                    assertEquals(ports[i], ((Number) Json.at(started.json(), "checks", gate, "details", "port")).intValue(), started.body);
                } else {
                    assertEquals("standalone", Json.at(started.json(), "checks", gate, "details", "mode"), started.body);
                }
                assertEquals(200, Http.get(url, "/ready").status);
            }
        } finally {
            for (TargetJvm h : hosts) {
                h.close();
            }
        }
    }
}
