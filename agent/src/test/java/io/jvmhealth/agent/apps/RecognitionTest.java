package io.jvmhealth.agent.apps;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Recognition from a main class's bytes, from well-known main class names and from loaded classes, over every recognizer. */
class RecognitionTest {
    private static List<String> names(Set<Recognizers.Listed> found) {
        List<String> names = new ArrayList<>();
        for (Recognizers.Listed r : found) {
            names.add(r.name());
        }
        return names;
    }

    private static List<String> scan(String constantPool) {
        Set<Recognizers.Listed> found = new LinkedHashSet<>();
        Recognition.scan(Recognizers.ALL, ("\u00ca\u00fe\u00ba\u00be..." + constantPool).getBytes(StandardCharsets.ISO_8859_1), found);
        return names(found);
    }

    private static List<String> fromMainClass(String... commands) throws Exception {
        Set<Recognizers.Listed> found = new LinkedHashSet<>();
        for (String command : commands) {
            Recognition.fromMainClass(Recognizers.ALL, command, found);
        }
        return names(found);
    }

    @Test
    void aMainClassReferringToAnApplicationsEntryClassIsThatApplication() {
        assertEquals(List.of("spring-boot"), scan("org/springframework/boot/SpringApplication"));
        assertEquals(List.of("jetty"), scan("org/eclipse/jetty/server/Server"));
        assertEquals(List.of("tomcat"), scan("org/apache/catalina/startup/Tomcat"));
        assertEquals(List.of(), scan("java/lang/String com/acme/App"));
    }

    @Test
    void wellKnownMainClassesAreRecognizedByName() throws Exception {
        assertEquals(List.of("tomcat", "kafka-broker", "jetty"), fromMainClass("org.apache.catalina.startup.Bootstrap start",
                "kafka.Kafka config/server.properties", "org.eclipse.jetty.start.Main"));
    }

    /** {@code start.jar --dry-run}'s command line and the JVM {@code --exec} forks: XmlConfiguration names no Server class. */
    @Test
    void jettysXmlConfigurationAsTheMainClassIsJetty() throws Exception {
        assertEquals(List.of("jetty"), fromMainClass("org.eclipse.jetty.xml.XmlConfiguration java.version=17.0.15 jetty.base=/srv/jetty /opt/jetty/etc/jetty.xml"));
    }

    /**
     * jboss-modules runs WildFly's server and every other module (its CLI, the domain's controllers): the module named on
     * the command line decides. The launcher's jar is read for its Main-Class, as for any {@code -jar}.
     */
    @Test
    void wildflyIsJbossModulesRunningTheServersModule(@TempDir Path dir) throws Exception {
        Path jar = dir.resolve("jboss-modules.jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "org.jboss.modules.Main");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
            out.putNextEntry(new JarEntry("org/jboss/modules/Main.class"));
            out.write("\u00ca\u00fe\u00ba\u00be org/jboss/modules/Module".getBytes(StandardCharsets.ISO_8859_1));
            out.closeEntry();
        }
        String modules = " -mp /opt/wildfly/modules ";
        assertEquals(List.of("wildfly"), fromMainClass(jar + modules + "org.jboss.as.standalone -Djboss.home.dir=/opt/wildfly -b 0.0.0.0"));
        assertEquals(List.of("wildfly"), fromMainClass(jar + modules + "org.jboss.as.server -Djboss.server.base.dir=/x"), "a domain's server JVM");
        assertEquals(List.of(), fromMainClass(jar + modules + "org.jboss.as.cli --connect"), "jboss-cli.sh's JVM");
        assertEquals(List.of(), fromMainClass(jar + modules + "org.jboss.as.host-controller"), "the domain's host controller");
        assertEquals(List.of(), fromMainClass(jar + modules + "com.acme.tool -Dx=org.jboss.as.standalone.y"), "a word, not a part of one");
    }

    /** Every JVM kc.sh starts, and a Quarkus fast-jar's, runs Quarkus' launcher. */
    @Test
    void quarkusIsItsLaunchersMainClass() throws Exception {
        assertEquals(List.of("quarkus"), fromMainClass("io.quarkus.bootstrap.runner.QuarkusEntryPoint start-dev --http-port=8080"));
        assertEquals(List.of("quarkus"), fromMainClass("io.quarkus.runner.GeneratedMain"));
    }

    /** Quarkus' HTTP server runs on Vert.x and Netty, WildFly's deployments inside it: theirs are covered. */
    @Test
    void wildflyAndQuarkusCoverWhatRunsInsideThem() {
        for (Recognizers.Listed listed : Recognizers.ALL) {
            Recognizer r = listed.recognizer();
            if (r.name().equals("wildfly")) {
                assertTrue(r.covers().containsAll(List.of("spring-boot", "tomcat", "jetty")), String.valueOf(r.covers()));
            }
            if (r.name().equals("quarkus")) {
                assertTrue(r.covers().containsAll(List.of("vertx", "netty")), String.valueOf(r.covers()));
            }
        }
    }

    /** Each listed application's recognizer is made at the first call only, once, named as listed. */
    @Test
    void everyListedRecognizerIsMadeOnceAndNamedAsListed() {
        for (Recognizers.Listed listed : Recognizers.ALL) {
            Recognizer r = listed.recognizer();
            assertEquals(listed.name(), r.name());
            assertEquals("app:" + listed.name(), r.gateName());
            assertSame(r, listed.recognizer());
        }
    }

    @Test
    void aClassThatCannotBeFoundRecognizesNothing() throws Exception {
        assertEquals(List.of(), fromMainClass("com.acme.DoesNotExist", "", null));
    }

    /** Attached into a running JVM: its loaded classes say what runs; the JDK's own classes are never looked at by name. */
    @Test
    void loadedClassesOfTheApplicationAreRecognized() {
        Set<Recognizers.Listed> found = new LinkedHashSet<>();
        Recognition.fromLoadedClasses(Recognizers.ALL, new Class<?>[] {String.class, RecognitionTest.class}, found);
        assertEquals(List.of(), names(found));
    }

    /** Spring Boot's gate waits for run to return, after its embedded server listens: the server's own gate is dropped. */
    @Test
    void springBootCoversItsEmbeddedServer() throws Exception {
        Set<Recognizers.Listed> found = new LinkedHashSet<>();
        Recognition.fromMainClass(Recognizers.ALL, "org.apache.catalina.startup.Bootstrap", found);
        Recognition.scan(Recognizers.ALL, "org/springframework/boot/SpringApplication".getBytes(StandardCharsets.ISO_8859_1), found);
        assertEquals(List.of("tomcat", "spring-boot"), names(found));
        List<String> kept = new ArrayList<>();
        for (Recognizer r : Recognition.uncovered(Recognizers.ALL, found)) {
            kept.add(r.name());
        }
        assertEquals(List.of("spring-boot"), kept);
    }

    private static List<String> kept(Set<Recognizers.Listed> found) {
        List<String> kept = new ArrayList<>();
        for (Recognizer r : Recognition.uncovered(Recognizers.ALL, found)) {
            kept.add(r.name());
        }
        return kept;
    }

    @Test
    void theIssue21ApplicationsAreRecognizedFromTheirMainClassesBytes() {
        assertEquals(List.of("vertx"), scan("io/vertx/core/Vertx io/vertx/core/VerticleBase"));
        assertEquals(List.of("netty"), scan("io/netty/bootstrap/ServerBootstrap"));
        assertEquals(List.of(), scan("io/netty/bootstrap/Bootstrap"), "a Netty client is no server");
        assertEquals(List.of("grpc"), scan("io/grpc/ServerBuilder io/grpc/Server"));
        assertEquals(List.of("grpc"), scan("io/grpc/netty/shaded/io/grpc/netty/NettyServerBuilder"));
        assertEquals(List.of(), scan("io/grpc/ManagedChannelBuilder io/grpc/Grpc"), "a gRPC client is no server");
        assertEquals(List.of("micronaut"), scan("io/micronaut/runtime/Micronaut"));
        assertEquals(List.of("zookeeper"), scan("org/apache/zookeeper/server/ZooKeeperServerMain"));
        assertEquals(List.of(), scan("org/apache/zookeeper/ZooKeeper"), "a ZooKeeper client is no server");
        assertEquals(List.of("kafka-streams"), scan("org/apache/kafka/streams/KafkaStreams"));
        assertEquals(List.of("kafka-connect"), scan("org/apache/kafka/connect/cli/ConnectStandalone org/apache/kafka/connect/runtime/Connect"));
    }

    @Test
    void theirLaunchersAreRecognizedByName() throws Exception {
        assertEquals(List.of("vertx", "zookeeper", "kafka-connect"), fromMainClass("io.vertx.launcher.application.VertxApplication",
                "org.apache.zookeeper.server.quorum.QuorumPeerMain /conf/zoo.cfg", "org.apache.kafka.connect.cli.ConnectDistributed worker.properties"));
        assertEquals(List.of("vertx", "zookeeper", "kafka-connect"), fromMainClass("io.vertx.core.Launcher run App",
                "org.apache.zookeeper.server.ZooKeeperServerMain 2181 /data", "org.apache.kafka.connect.cli.ConnectStandalone w.properties"));
    }

    /** The servers that run on Netty, Jetty or start them inside their own start: one gate each, theirs. */
    @Test
    void precedenceLeavesOneGatePerApplication() {
        Set<Recognizers.Listed> found = new LinkedHashSet<>();
        Recognition.scan(Recognizers.ALL, "io/vertx/core/Vertx io/netty/bootstrap/ServerBootstrap".getBytes(StandardCharsets.ISO_8859_1), found);
        assertEquals(List.of("vertx"), kept(found));
        for (String[] pair : new String[][] {{"io/grpc/ServerBuilder", "grpc"}, {"io/micronaut/runtime/Micronaut", "micronaut"},
                {"org/apache/zookeeper/server/ZooKeeperServerMain", "zookeeper"}, {"org/springframework/boot/SpringApplication", "spring-boot"}}) {
            found.clear();
            Recognition.scan(Recognizers.ALL, (pair[0] + " io/netty/bootstrap/ServerBootstrap").getBytes(StandardCharsets.ISO_8859_1), found);
            assertEquals(List.of(pair[1]), kept(found), pair[0]);
        }
        found.clear();
        Recognition.scan(Recognizers.ALL, "org/apache/kafka/connect/runtime/Connect org/eclipse/jetty/server/Server".getBytes(StandardCharsets.ISO_8859_1), found);
        assertEquals(List.of("kafka-connect"), kept(found), "Connect's REST server is Jetty");
        found.clear();
        Recognition.scan(Recognizers.ALL, "org/apache/zookeeper/server/ZooKeeperServerMain org/eclipse/jetty/server/Server".getBytes(StandardCharsets.ISO_8859_1), found);
        assertEquals(List.of("zookeeper"), kept(found), "ZooKeeper's AdminServer is Jetty");
        found.clear();
        Recognition.scan(Recognizers.ALL, "org/apache/kafka/streams/KafkaStreams org/eclipse/jetty/server/Server".getBytes(StandardCharsets.ISO_8859_1), found);
        assertEquals(List.of("jetty", "kafka-streams"), kept(found), "a Streams application that serves queries over Jetty waits for both");
    }

    /** A name is looked for only where its family (first two path segments) is named: no name is found any less. */
    @Test
    void familiesAreTheFirstTwoSegmentsAndHoldEveryName() {
        assertEquals("org/springframework/", Recognition.family("org/springframework/boot/SpringApplication"));
        assertEquals("io/netty/", Recognition.family("io/netty/bootstrap/ServerBootstrap"));
        assertEquals("Main", Recognition.family("Main"));
        assertEquals("kafka/Kafka", Recognition.family("kafka/Kafka"));
        for (Recognizers.Listed r : Recognizers.ALL) {
            for (String name : r.signs().referenced()) {
                assertTrue(name.startsWith(Recognition.family(name)), name);
                assertEquals(List.of(r.name()), scan(name).stream().filter(r.name()::equals).collect(java.util.stream.Collectors.toList()),
                        name + " alone is recognized as " + r.name());
            }
        }
    }
}
