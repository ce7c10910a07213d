package io.jvmhealth.agent.it;

import io.jvmhealth.agent.testing.Artifacts;
import io.jvmhealth.agent.testing.FreePort;
import io.jvmhealth.agent.testing.Http;
import io.jvmhealth.agent.testing.Jdks;
import io.jvmhealth.agent.testing.KafkaBroker;
import io.jvmhealth.agent.testing.Poll;
import io.jvmhealth.agent.testing.TargetJvm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The application hosts of sample-target/apps, with no agent: proof that each starts, serves after its start-up delay,
 * stops serving on {@code stop} while its JVM lives on, and exits with the code {@code exit N} names. Vert.x, Netty,
 * gRPC, Micronaut and ZooKeeper answer their own protocol; Kafka Streams (state RUNNING, then NOT_RUNNING on stop and
 * ERROR on fail) and Kafka Connect (its REST API's {@code GET /health} 200) run against one real Kafka broker (KRaft),
 * started once for the class.
 * Each start is printed as a MEASURED line.
 */
class AppHostsIT {
    private static final long DELAY_MILLIS = 1000;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    @TempDir
    static Path dir;
    private static KafkaBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = KafkaBroker.start(dir.resolve("kafka"), Jdks.current(), null, Duration.ofSeconds(180));
        System.err.println("MEASURED Kafka broker (KRaft, kafka.Kafka): storage formatted in " + broker.formatTook.toMillis()
                + " ms, then ApiVersions answered " + broker.startTook.toMillis() + " ms after its JVM started");
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void kafkaBrokerAnswers() {
        assertTrue(KafkaBroker.answersApiVersions(broker.port()), "the broker answers ApiVersions");
        assertTrue(broker.jvm().process().isAlive(), broker.jvm().toString());
    }

    @Test
    void vertx() throws Exception {
        servesStopsAndExits("io.jvmhealth.hosts.apps.VertxHost", AppHostsIT::answersHttp);
    }

    @Test
    void netty() throws Exception {
        servesStopsAndExits("io.jvmhealth.hosts.apps.NettyHost", AppHostsIT::answersHttp);
    }

    @Test
    void grpc() throws Exception {
        servesStopsAndExits("io.jvmhealth.hosts.apps.GrpcHost", AppHostsIT::answersHttp2);
    }

    @Test
    void micronaut() throws Exception {
        servesStopsAndExits("io.jvmhealth.hosts.apps.MicronautHost", AppHostsIT::answersHttp);
    }

    @Test
    void zookeeperStandalone() throws Exception {
        servesStopsAndExits("io.jvmhealth.hosts.apps.ZooKeeperHost", port -> "standalone".equals(zooKeeperMode(port)),
                "--dir=" + dir.resolve("zookeeper"));
    }

    @Test
    void kafkaConnect() throws Exception {
        servesStopsAndExits("io.jvmhealth.hosts.apps.KafkaConnectHost", port -> answersHttp(port, "/health"),
                "--bootstrap=" + broker.bootstrap(), "--dir=" + dir.resolve("connect"));
    }

    /** Two applications at once: one is closed ({@code stop}: NOT_RUNNING), the other fails ({@code fail}: ERROR). */
    @Test
    void kafkaStreamsRunsThenStopsOrFails() throws Exception {
        String cp = Artifacts.appHostsClassPath();
        long began = System.nanoTime();
        try (TargetJvm closed = TargetJvm.builder().main(cp, "io.jvmhealth.hosts.apps.KafkaStreamsHost", "--bootstrap=" + broker.bootstrap(),
                "--application-id=closed", "--delay-ms=" + DELAY_MILLIS, "--dir=" + dir.resolve("streams-closed")).start();
             TargetJvm failed = TargetJvm.builder().main(cp, "io.jvmhealth.hosts.apps.KafkaStreamsHost", "--bootstrap=" + broker.bootstrap(),
                     "--application-id=failed", "--delay-ms=" + DELAY_MILLIS, "--dir=" + dir.resolve("streams-failed")).start()) {
            for (TargetJvm host : List.of(closed, failed)) {
                awaitLine(host, "state REBALANCING RUNNING");
                awaitLine(host, "serving ");
            }
            long serving = (System.nanoTime() - began) / 1_000_000;
            assertTrue(serving >= DELAY_MILLIS, "RUNNING only after the start-up delay: " + serving + " ms");
            System.err.println("MEASURED Kafka Streams (two at once): both RUNNING " + serving + " ms after their JVMs started");

            closed.run("stop", Duration.ofSeconds(60));
            assertTrue(closed.stdoutLines().contains("state PENDING_SHUTDOWN NOT_RUNNING"), closed.stdoutLines().toString());
            failed.run("fail", Duration.ofSeconds(60));
            awaitLine(failed, "state PENDING_ERROR ERROR");
            assertTrue(failed.stdoutLines().contains("state RUNNING PENDING_ERROR"), failed.stdoutLines().toString());

            for (TargetJvm host : List.of(closed, failed)) {
                assertTrue(host.process().isAlive(), "the JVM lives on: " + host);
                host.send("exit 3");
                assertEquals(3, host.awaitExit(Duration.ofSeconds(30)), host.toString());
            }
        }
    }

    /** What answers a request on the host's port with the host's own protocol. */
    private interface Probe {
        boolean answers(int port) throws Exception;
    }

    private void servesStopsAndExits(String main, Probe probe, String... extra) throws Exception {
        int port = FreePort.find();
        List<String> args = new ArrayList<>(List.of("--port=" + port, "--delay-ms=" + DELAY_MILLIS));
        args.addAll(Arrays.asList(extra));
        long began = System.nanoTime();
        try (TargetJvm host = TargetJvm.builder().main(Artifacts.appHostsClassPath(), main, args.toArray(new String[0])).start()) {
            awaitLine(host, "serving " + port);
            long servingLine = (System.nanoTime() - began) / 1_000_000;
            assertTrue(servingLine >= DELAY_MILLIS, "serving only after the start-up delay: " + servingLine + " ms");
            Poll.until(main + " to answer on port " + port, Duration.ofSeconds(30), () -> probe.answers(port), ok -> ok);
            long answered = (System.nanoTime() - began) / 1_000_000;

            long stopping = System.nanoTime();
            host.run("stop", Duration.ofSeconds(60));
            Poll.until(main + " to stop answering on port " + port, Duration.ofSeconds(30), () -> probe.answers(port), ok -> !ok);
            long stopped = (System.nanoTime() - stopping) / 1_000_000;
            assertTrue(host.process().isAlive(), "the JVM lives on after stop: " + host);
            System.err.println("MEASURED " + main + ": 'serving' printed " + servingLine + " ms after its JVM started (delay " + DELAY_MILLIS
                    + " ms), first answer at " + answered + " ms; not answering " + stopped + " ms after 'stop' was sent");

            host.send("exit 3");
            assertEquals(3, host.awaitExit(Duration.ofSeconds(30)), host.toString());
        }
    }

    private static void awaitLine(TargetJvm host, String prefix) {
        Poll.until("'" + prefix + "...' on stdout (" + host + ")", START_TIMEOUT, () -> {
            if (!host.process().isAlive()) {
                throw new AssertionError("the host exited with " + host.process().exitValue() + ": " + host);
            }
            return host.stdoutLines();
        }, lines -> lines.stream().anyMatch(l -> l.startsWith(prefix)));
    }

    private static boolean answersHttp(int port) {
        return answersHttp(port, "/");
    }

    private static boolean answersHttp(int port, String path) {
        try {
            return Http.get("http://127.0.0.1:" + port, path).status == 200;
        } catch (IOException e) {
            return false;
        }
    }

    /** An HTTP/2 server (gRPC) answers the client's connection preface and empty SETTINGS frame with its own SETTINGS frame. */
    private static boolean answersHttp2(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            s.setSoTimeout(2000);
            OutputStream out = s.getOutputStream();
            out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0}); // SETTINGS, no parameters
            out.flush();
            byte[] header = s.getInputStream().readNBytes(9);
            return header.length == 9 && header[3] == 4;
        } catch (IOException e) {
            return false;
        }
    }

    /** The {@code Mode:} line of ZooKeeper's {@code srvr} four-letter word, or null. */
    private static String zooKeeperMode(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            s.setSoTimeout(2000);
            s.getOutputStream().write("srvr".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
                if (line.startsWith("Mode: ")) {
                    return line.substring(6).trim();
                }
            }
            return null;
        } catch (IOException e) {
            return null;
        }
    }
}
