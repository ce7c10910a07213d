package io.jvmhealth.hosts.apps;

import org.apache.kafka.connect.cli.AbstractConnectCli;
import org.apache.kafka.connect.cli.ConnectDistributed;
import org.apache.kafka.connect.cli.ConnectStandalone;
import org.apache.kafka.connect.runtime.Connect;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Kafka Connect worker started the way {@code connect-standalone.sh} / {@code connect-distributed.sh} start one
 * ({@code ConnectStandalone} / {@code ConnectDistributed}: {@code startConnect} with the worker's properties, then
 * {@code processExtraArgs} with no connector file, which for a standalone worker marks its herder ready), its REST server
 * on {@code listeners=http://127.0.0.1:<port>}, against a real broker. The start-up delay is spent before
 * {@code startConnect}. Prints {@code serving <port>} when both have returned. {@code stop}: {@code Connect.stop()}
 * (herder and REST server; the JVM lives on).
 * <p>{@code --mode=distributed} runs a distributed worker (group {@code <id>}, its three internal topics
 * {@code <id>-configs|offsets|status} with one replica); the default is standalone (offsets in {@code --dir}).
 * {@code plugin.discovery} is {@code service_load} unless {@code --plugin-discovery} says otherwise: Connect's default,
 * {@code hybrid_warn}, also scans every jar of the class path for plugins, which made the start much slower here
 * (docs/gates.md, Kafka Connect).
 * Options: {@code --port=N --bootstrap=host:port [--mode=standalone|distributed] [--id=ID] [--delay-ms=N] [--dir=D]
 * [--plugin-discovery=...]}.
 */
public final class KafkaConnectHost {
    private KafkaConnectHost() {
    }

    public static void main(String[] args) throws Exception {
        Host host = new Host("kafka-connect-host", args);
        int port = host.port();
        Map<String, String> worker = new LinkedHashMap<>();
        worker.put("bootstrap.servers", host.required("bootstrap"));
        worker.put("listeners", "http://127.0.0.1:" + port);
        worker.put("key.converter", "org.apache.kafka.connect.json.JsonConverter");
        worker.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        worker.put("plugin.discovery", host.option("plugin-discovery", "service_load"));
        boolean distributed = host.option("mode", "standalone").equals("distributed");
        AbstractConnectCli<?, ?> cli;
        if (distributed) {
            String id = host.option("id", "connect-host");
            worker.put("group.id", id);
            worker.put("config.storage.topic", id + "-configs");
            worker.put("offset.storage.topic", id + "-offsets");
            worker.put("status.storage.topic", id + "-status");
            worker.put("config.storage.replication.factor", "1");
            worker.put("offset.storage.replication.factor", "1");
            worker.put("status.storage.replication.factor", "1");
            worker.put("offset.storage.partitions", "1");
            worker.put("status.storage.partitions", "1");
            cli = new ConnectDistributed();
        } else {
            Path dir = Paths.get(host.option("dir", Files.createTempDirectory("kafka-connect-host").toString())).toAbsolutePath();
            Files.createDirectories(dir);
            worker.put("offset.storage.file.filename", dir.resolve("connect.offsets").toString());
            cli = new ConnectStandalone();
        }
        Connect<?>[] connect = new Connect<?>[1];
        host.on("stop", a -> connect[0].stop()).readCommands();
        host.delay();
        connect[0] = start(cli, worker);
        host.serving(port);
        Host.parkForever();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Connect<?> start(AbstractConnectCli cli, Map<String, String> worker) {
        Connect connect = cli.startConnect(worker);
        cli.processExtraArgs(connect, new String[0]);
        return connect;
    }
}
