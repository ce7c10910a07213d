package io.jvmhealth.hosts.apps;

import org.apache.kafka.connect.cli.ConnectStandalone;
import org.apache.kafka.connect.runtime.Connect;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Kafka Connect standalone worker started the way {@code connect-standalone.sh} starts one
 * ({@code ConnectStandalone.startConnect} with the worker's properties, no connector), its REST server on
 * {@code listeners=http://127.0.0.1:<port>}, against a real broker. The start-up delay is spent before
 * {@code startConnect}. Prints {@code serving <port>} when {@code startConnect} has returned (the herder started).
 * {@code stop}: {@code Connect.stop()} (herder and REST server; the JVM lives on).
 * <p>{@code plugin.discovery} is {@code service_load} unless {@code --plugin-discovery} says otherwise: Connect's default,
 * {@code hybrid_warn}, also scans every jar of the class path for plugins, which made the start several times slower
 * here (notes/apps-findings.md).
 * Options: {@code --port=N --bootstrap=host:port [--delay-ms=N] [--dir=D] [--plugin-discovery=...]}.
 */
public final class KafkaConnectHost {
    private KafkaConnectHost() {
    }

    public static void main(String[] args) throws Exception {
        Host host = new Host("kafka-connect-host", args);
        int port = host.port();
        Path dir = Paths.get(host.option("dir", Files.createTempDirectory("kafka-connect-host").toString())).toAbsolutePath();
        Files.createDirectories(dir);
        Map<String, String> worker = new LinkedHashMap<>();
        worker.put("bootstrap.servers", host.required("bootstrap"));
        worker.put("listeners", "http://127.0.0.1:" + port);
        worker.put("key.converter", "org.apache.kafka.connect.json.JsonConverter");
        worker.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        worker.put("offset.storage.file.filename", dir.resolve("connect.offsets").toString());
        worker.put("plugin.discovery", host.option("plugin-discovery", "service_load"));
        Connect<?>[] connect = new Connect<?>[1];
        host.on("stop", a -> connect[0].stop()).readCommands();
        host.delay();
        connect[0] = new ConnectStandalone().startConnect(worker);
        host.serving(port);
        Host.parkForever();
    }
}
