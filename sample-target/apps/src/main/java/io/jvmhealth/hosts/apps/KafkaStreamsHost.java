package io.jvmhealth.hosts.apps;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A Kafka Streams application with a trivial stateless topology ({@code <id>-in} to {@code <id>-out}, values upper-cased)
 * against a real broker. Its two topics are created first (Admin), then {@code KafkaStreams.start()} is called after
 * {@code --delay-ms}. The state listener prints {@code state <OLD> <NEW>} at each change, and {@code serving <id>}
 * when the state becomes RUNNING.
 * <p>Commands: {@code stop} = {@code close()} (state NOT_RUNNING; the JVM lives on); {@code fail} = the next record
 * makes the processor throw (the host sends one itself), and the uncaught exception handler answers
 * SHUTDOWN_CLIENT: the state becomes PENDING_ERROR, then ERROR, which only a new KafkaStreams (a restart) leaves;
 * {@code add-thread} = {@code addStreamThread()}: the new thread joins the group, the client rebalances (RUNNING,
 * REBALANCING, RUNNING) in this JVM alone.
 * Options: {@code --bootstrap=host:port [--application-id=ID] [--delay-ms=N] [--dir=STATE_DIR]}.
 */
public final class KafkaStreamsHost {
    private static volatile boolean failNext;

    private KafkaStreamsHost() {
    }

    public static void main(String[] args) throws Exception {
        Host host = new Host("kafka-streams-host", args);
        String bootstrap = host.required("bootstrap");
        String id = host.option("application-id", "streams-host");
        String in = id + "-in";
        String out = id + "-out";
        createTopics(bootstrap, in, out);

        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(in, org.apache.kafka.streams.kstream.Consumed.with(Serdes.String(), Serdes.String()))
                .mapValues(v -> {
                    if (failNext) {
                        throw new IllegalStateException("kafka-streams-host: failing on purpose (command 'fail')");
                    }
                    return v.toUpperCase();
                })
                .to(out, org.apache.kafka.streams.kstream.Produced.with(Serdes.String(), Serdes.String()));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, id);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(StreamsConfig.STATE_DIR_CONFIG, host.option("dir", Files.createTempDirectory("kafka-streams-host").toString()));
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100");
        KafkaStreams streams = new KafkaStreams(builder.build(), props);
        streams.setStateListener((now, before) -> {
            Host.print("state " + before + " " + now);
            if (now == KafkaStreams.State.RUNNING) {
                host.serving(id);
            }
        });
        streams.setUncaughtExceptionHandler(e -> StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT);

        Properties producerProps = new Properties();
        producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps, new StringSerializer(), new StringSerializer());
        host.on("stop", a -> streams.close(Duration.ofSeconds(30)))
                .on("send", a -> producer.send(new ProducerRecord<>(in, "k", a.isEmpty() ? "hello" : a)).get(30, TimeUnit.SECONDS))
                .on("add-thread", a -> {
                    if (streams.addStreamThread().isEmpty()) {
                        throw new IllegalStateException("no stream thread added (state " + streams.state() + ")");
                    }
                })
                .on("fail", a -> {
                    failNext = true;
                    producer.send(new ProducerRecord<>(in, "k", "boom")).get(30, TimeUnit.SECONDS);
                })
                .readCommands();
        host.delay();
        streams.start();
        Host.parkForever();
    }

    private static void createTopics(String bootstrap, String... topics) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            for (String t : topics) {
                try {
                    admin.createTopics(List.of(new NewTopic(t, 1, (short) 1))).all().get(60, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
        }
    }
}
