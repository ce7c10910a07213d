package io.jvmhealth.hosts.apps;

import org.apache.zookeeper.server.ServerConfig;
import org.apache.zookeeper.server.ZooKeeperServer;
import org.apache.zookeeper.server.ZooKeeperServerMain;
import org.apache.zookeeper.server.quorum.QuorumPeer;
import org.apache.zookeeper.server.quorum.QuorumPeerConfig;
import org.apache.zookeeper.server.quorum.QuorumPeerMain;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * A ZooKeeper server run the way its own mains run it, from a generated {@code zoo.cfg} in {@code --dir}:
 * standalone through {@code ZooKeeperServerMain.runFromConfig} (what {@code zkServer.sh} runs when the config
 * names no other servers), or, with {@code --id=N --servers=host:peer:election,...} (server 1 first), one member of
 * a quorum through {@code QuorumPeerMain.runFromConfig}. The start-up delay is spent before {@code runFromConfig}.
 * The AdminServer (Jetty, port 8080 by default) is disabled: the distribution ships Jetty 9, this class path has
 * Kafka Connect's Jetty 12. Every four-letter word is allowed ({@code srvr}, {@code ruok}, {@code stat}).
 * <p>Prints {@code serving <port>} when standalone ZooKeeper calls its {@code serverStarted()} hook, or, in a quorum,
 * {@code serving <port> leading|following} once the peer has joined (polled every 20 ms), and
 * {@code state <state>} at each change of the peer's state. {@code stop}: {@code close()} (the JVM lives on).
 * A server that fails to start prints {@code error ...} and exits 1.
 * Options: {@code --port=N [--delay-ms=N] [--dir=D] [--id=N --servers=...]}.
 */
public final class ZooKeeperHost {
    private ZooKeeperHost() {
    }

    public static void main(String[] args) throws Exception {
        Host host = new Host("zookeeper-host", args);
        int port = host.port();
        Path dir = Paths.get(host.option("dir", Files.createTempDirectory("zookeeper-host").toString())).toAbsolutePath();
        Files.createDirectories(dir.resolve("data"));
        StringBuilder cfg = new StringBuilder()
                .append("tickTime=500\n")
                .append("initLimit=10\n")
                .append("syncLimit=5\n")
                .append("dataDir=").append(dir.resolve("data")).append('\n')
                .append("clientPort=").append(port).append('\n')
                .append("admin.enableServer=false\n")
                .append("4lw.commands.whitelist=*\n");
        String servers = host.option("servers", null);
        if (servers != null) {
            String id = host.required("id");
            Files.write(dir.resolve("data").resolve("myid"), (id + "\n").getBytes(StandardCharsets.US_ASCII));
            String[] list = servers.split(",");
            for (int i = 0; i < list.length; i++) {
                cfg.append("server.").append(i + 1).append('=').append(list[i]).append('\n');
            }
        }
        Path file = dir.resolve("zoo.cfg");
        Files.write(file, cfg.toString().getBytes(StandardCharsets.UTF_8));
        if (servers == null) {
            standalone(host, port, file);
        } else {
            quorum(host, port, file);
        }
        Host.parkForever();
    }

    private static void standalone(Host host, int port, Path file) throws Exception {
        ServerConfig config = new ServerConfig();
        config.parse(file.toString());
        ZooKeeperServerMain main = new ZooKeeperServerMain() {
            @Override
            protected void serverStarted() {
                host.serving(port);
            }
        };
        host.on("stop", a -> main.close()).readCommands();
        host.delay();
        Thread server = new Thread(() -> {
            try {
                main.runFromConfig(config);
                Host.print("state stopped");
            } catch (Throwable e) {
                Host.print("error " + e);
                e.printStackTrace();
                System.exit(1);
            }
        }, "zookeeper-main");
        server.start();
    }

    private static void quorum(Host host, int port, Path file) throws Exception {
        QuorumPeerConfig config = new QuorumPeerConfig();
        config.parse(file.toString());
        QuorumPeerMain[] main = new QuorumPeerMain[1];
        main[0] = new QuorumPeerMain() {
            @Override
            protected QuorumPeer getQuorumPeer() throws javax.security.sasl.SaslException {
                QuorumPeer peer = super.getQuorumPeer();
                watch(peer, port);
                return peer;
            }
        };
        host.on("stop", a -> main[0].close()).readCommands();
        host.delay();
        Thread server = new Thread(() -> {
            try {
                main[0].runFromConfig(config);
                Host.print("state stopped");
            } catch (Throwable e) {
                Host.print("error " + e);
                e.printStackTrace();
                System.exit(1);
            }
        }, "zookeeper-main");
        server.start();
    }

    /** Prints the peer's state changes, and {@code serving} once it leads or follows with its server running. */
    private static void watch(QuorumPeer peer, int port) {
        Thread t = new Thread(() -> {
            String last = "";
            boolean serving = false;
            while (true) {
                QuorumPeer.ServerState state = peer.getPeerState();
                ZooKeeperServer active = peer.getActiveServer();
                boolean running = active != null && active.isRunning();
                String now = state + (running ? " running" : "");
                if (!now.equals(last)) {
                    Host.print("state " + now);
                    last = now;
                }
                if (running && !serving) {
                    Host.print("serving " + port + " " + state.name().toLowerCase());
                }
                serving = running;
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "zookeeper-host-watch");
        t.setDaemon(true);
        t.start();
    }
}
