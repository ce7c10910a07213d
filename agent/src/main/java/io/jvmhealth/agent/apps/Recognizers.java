package io.jvmhealth.agent.apps;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Every application {@code ready.auto} recognizes, by its {@link Signs}: the one list a new {@link Recognizer} is added
 * to. The signs stand here, not in the recognizer's class, because a recognizer's class is loaded only once its signs
 * are seen: a JVM that runs none of these applications loads none of their classes (loading the agent's classes is
 * most of its start-up CPU; docs/performance.md, "What the first answer costs").
 */
public final class Recognizers {
    /** In gate order. */
    public static final List<Listed> ALL = Collections.unmodifiableList(Arrays.asList(
            new Listed("spring-boot", "SpringBoot", Signs.none().mainClassPrefix("org.springframework.boot.loader.")
                    .refers(SpringBoot.SPRING_APPLICATION).loaded(SpringBoot.SPRING_APPLICATION)),
            new Listed("tomcat", "Tomcat", Signs.none().mainClass("org.apache.catalina.startup.Bootstrap", "org.apache.catalina.startup.Catalina")
                    .refers("org.apache.catalina.startup.Tomcat").loaded(Tomcat.SERVICE)),
            new Listed("jetty", "Jetty", Signs.none().mainClass("org.eclipse.jetty.start.Main", "org.eclipse.jetty.xml.XmlConfiguration")
                    .refers(Jetty.SERVER).loaded(Jetty.SERVER)),
            new Listed("kafka-broker", "KafkaBroker", Signs.none().mainClass("kafka.Kafka")
                    .loaded("kafka.server.KafkaServer", "kafka.server.KafkaRaftServer", "kafka.server.BrokerServer")),
            new Listed("wildfly", "WildFly", Signs.none().mainClass("org.jboss.modules.Main").argument("org.jboss.as.standalone", "org.jboss.as.server")
                    .loaded("org.jboss.as.server.ServerService")),
            new Listed("quarkus", "Quarkus", Signs.none().mainClass("io.quarkus.bootstrap.runner.QuarkusEntryPoint", "io.quarkus.runner.GeneratedMain")
                    .loaded(QuarkusGate.APPLICATION)),
            new Listed("vertx", "Vertx", Signs.none().mainClass("io.vertx.launcher.application.VertxApplication", "io.vertx.core.Launcher")
                    .refers("io.vertx.core.Vertx", "io.vertx.core.AbstractVerticle", "io.vertx.core.VerticleBase",
                            "io.vertx.launcher.application.VertxApplication")
                    .loaded(Vertx.HTTP_SERVER, Vertx.NET_SERVER)),
            new Listed("netty", "Netty", Signs.none().refers(Netty.SERVER_BOOTSTRAP).loaded(Netty.SERVER_BOOTSTRAP)),
            new Listed("grpc", "Grpc", Signs.none().refers("io.grpc.ServerBuilder", "io.grpc.Server",
                            "io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder", "io.grpc.netty.NettyServerBuilder")
                    .loaded(Grpc.SERVER_IMPL)),
            new Listed("micronaut", "Micronaut", Signs.none().refers("io.micronaut.runtime.Micronaut").loaded(Micronaut.HTTP_SERVER)),
            new Listed("zookeeper", "ZooKeeper", Signs.none()
                    .mainClass("org.apache.zookeeper.server.quorum.QuorumPeerMain", "org.apache.zookeeper.server.ZooKeeperServerMain")
                    .refers("org.apache.zookeeper.server.quorum.QuorumPeerMain", "org.apache.zookeeper.server.ZooKeeperServerMain",
                            "org.apache.zookeeper.server.ZooKeeperServer")
                    .loaded(ZooKeeperGate.SERVER, ZooKeeperGate.QUORUM_PEER)),
            new Listed("kafka-streams", "KafkaStreams", Signs.none().refers(StreamsClients.KAFKA_STREAMS).loaded(StreamsClients.KAFKA_STREAMS)),
            new Listed("kafka-connect", "KafkaConnect", Signs.none()
                    .mainClass("org.apache.kafka.connect.cli.ConnectDistributed", "org.apache.kafka.connect.cli.ConnectStandalone")
                    .refers(ConnectGate.CONNECT, "org.apache.kafka.connect.cli.ConnectDistributed", "org.apache.kafka.connect.cli.ConnectStandalone",
                            "org.apache.kafka.connect.cli.AbstractConnectCli")
                    .loaded(ConnectGate.CONNECT))));

    private Recognizers() {
    }

    /** The listed recognizer of that name (made now if it was not), for those that need one by name (tests). */
    static Recognizer named(String name) {
        for (Listed l : ALL) {
            if (l.name.equals(name)) {
                return l.recognizer();
            }
        }
        throw new IllegalArgumentException("no recognizer is listed as " + name);
    }

    /** One application as listed: its name and signs, and its {@link Recognizer}, whose class is loaded at the first call. */
    public static final class Listed {
        private final String name;
        private final Signs signs;
        private final String className;
        private Recognizer recognizer;

        Listed(String name, String simpleClassName, Signs signs) {
            String own = Recognizers.class.getName();
            this.name = name;
            this.signs = signs;
            this.className = own.substring(0, own.lastIndexOf('.') + 1) + simpleClassName;
        }

        /** The application's short name, as the start line and the gate name say it ({@code tomcat}). */
        public String name() {
            return name;
        }

        Signs signs() {
            return signs;
        }

        /** The recognizer, made at the first call (its class loaded then); the same one afterwards. */
        synchronized Recognizer recognizer() {
            if (recognizer == null) {
                Recognizer r;
                try {
                    r = (Recognizer) Class.forName(className, true, Recognizers.class.getClassLoader()).getDeclaredConstructor().newInstance();
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException("the recognizer of " + name + " (" + className + ") cannot be made: " + e, e);
                }
                r.listedAs(name);
                recognizer = r;
            }
            return recognizer;
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
