package io.jvmhealth.agent.testing;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A real Apache Kafka broker (the app hosts' class path: {@code org.apache.kafka:kafka_2.13} from Maven Central) in KRaft
 * combined mode (broker and controller in one JVM) on two free ports, for the Kafka Streams and Kafka Connect hosts and
 * the broker gate. {@link #start} writes {@code server.properties} into a folder, formats the storage there
 * ({@code kafka.tools.StorageTool format}, a JVM of its own) and starts the broker as its own JVM with Kafka's main
 * {@code kafka.Kafka}, the way {@code kafka-server-start.sh} does; it returns once the broker answers an ApiVersions
 * request on its client port. Start it once per test class: under load it takes tens of seconds.
 */
public final class KafkaBroker implements AutoCloseable {
    private final TargetJvm jvm;
    private final int port;
    private final int controllerPort;
    private final Path properties;
    /** How long formatting the storage took, and then the broker from its JVM's start to its first ApiVersions answer. */
    public final Duration formatTook;
    public final Duration startTook;

    private KafkaBroker(TargetJvm jvm, int port, int controllerPort, Path properties, Duration formatTook, Duration startTook) {
        this.jvm = jvm;
        this.port = port;
        this.controllerPort = controllerPort;
        this.properties = properties;
        this.formatTook = formatTook;
        this.startTook = startTook;
    }

    /** Writes the broker's {@code server.properties} into {@code dir} (its data in {@code dir/logs}) and returns its path. */
    public static Path configure(Path dir, int port, int controllerPort) throws IOException {
        Files.createDirectories(dir);
        String props = String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
                "inter.broker.listener.name=PLAINTEXT",
                "log.dirs=" + dir.resolve("logs").toAbsolutePath(),
                "num.partitions=1",
                // one broker: every internal topic with one replica, and few partitions (fast to create)
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                // a consumer group (Kafka Streams) gets its partitions at once instead of after 3 s
                "group.initial.rebalance.delay.ms=0",
                "");
        Path file = dir.resolve("server.properties");
        Files.write(file, props.getBytes(StandardCharsets.UTF_8));
        return file;
    }

    /**
     * Configures, formats and starts a broker in {@code dir} on {@code java}; {@code agentOptions} null for none.
     * Fails when the broker does not answer within {@code timeout}.
     */
    public static KafkaBroker start(Path dir, Path java, String agentOptions, Duration timeout) throws Exception {
        int port = FreePort.find();
        int controllerPort = FreePort.find();
        while (controllerPort == port) {
            controllerPort = FreePort.find();
        }
        Path props = configure(dir, port, controllerPort);
        String cp = Artifacts.appHostsClassPath();
        byte[] id = new byte[16];
        UUID u = UUID.randomUUID();
        ByteBuffer.wrap(id).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits());
        String clusterId = Base64.getUrlEncoder().withoutPadding().encodeToString(id);

        long began = System.nanoTime();
        List<String> format = new ArrayList<>(List.of(Jdks.current().toString(), "-cp", cp, "kafka.tools.StorageTool",
                "format", "-t", clusterId, "-c", props.toString()));
        Process p = new ProcessBuilder(format).redirectErrorStream(true).redirectOutput(dir.resolve("format.log").toFile()).start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new AssertionError("formatting the broker's storage failed: " + Files.readString(dir.resolve("format.log")));
        }
        Duration formatTook = Duration.ofNanos(System.nanoTime() - began);

        TargetJvm.Builder builder = TargetJvm.builder().java(java).main(cp, "kafka.Kafka", props.toString());
        if (agentOptions != null) {
            builder.agent(agentOptions);
        }
        long started = System.nanoTime();
        TargetJvm jvm = builder.start();
        try {
            Poll.until("the Kafka broker to answer ApiVersions on port " + port + " (" + jvm + ")", timeout,
                    () -> jvm.process().isAlive() ? answersApiVersions(port) : Boolean.valueOf(failExited(jvm)), ok -> ok);
        } catch (RuntimeException | Error e) {
            jvm.close();
            throw e;
        }
        return new KafkaBroker(jvm, port, controllerPort, props, formatTook, Duration.ofNanos(System.nanoTime() - started));
    }

    private static boolean failExited(TargetJvm jvm) {
        throw new AssertionError("the Kafka broker exited with " + jvm.process().exitValue() + ": " + jvm);
    }

    /**
     * Sends an ApiVersions request (key 18, version 0) and returns whether the broker answered it without error: the
     * broker processes requests (it accepts connections earlier, while it starts).
     */
    public static boolean answersApiVersions(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            s.setSoTimeout(2000);
            byte[] client = "jvm-health-test".getBytes(StandardCharsets.UTF_8);
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.writeInt(2 + 2 + 4 + 2 + client.length);
            out.writeShort(18); // ApiVersions
            out.writeShort(0);
            out.writeInt(4711); // correlation id
            out.writeShort(client.length);
            out.write(client);
            out.flush();
            DataInputStream in = new DataInputStream(s.getInputStream());
            int size = in.readInt();
            int correlation = in.readInt();
            short error = in.readShort();
            return size > 6 && correlation == 4711 && error == 0;
        } catch (IOException e) {
            return false;
        }
    }

    public int port() {
        return port;
    }

    public int controllerPort() {
        return controllerPort;
    }

    public String bootstrap() {
        return "127.0.0.1:" + port;
    }

    public Path properties() {
        return properties;
    }

    public TargetJvm jvm() {
        return jvm;
    }

    @Override
    public void close() {
        jvm.close();
    }
}
