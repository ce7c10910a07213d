package io.jvmhealth.agent.apps;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Recognition from a main class's bytes, from well-known main class names and from loaded classes, over every recognizer. */
class RecognitionTest {
    private static List<String> names(Set<Recognizer> found) {
        List<String> names = new ArrayList<>();
        for (Recognizer r : found) {
            names.add(r.name());
        }
        return names;
    }

    private static List<String> scan(String constantPool) {
        Set<Recognizer> found = new LinkedHashSet<>();
        Recognition.scan(Recognizers.ALL, ("\u00ca\u00fe\u00ba\u00be..." + constantPool).getBytes(StandardCharsets.ISO_8859_1), found);
        return names(found);
    }

    private static List<String> fromMainClass(String... commands) throws Exception {
        Set<Recognizer> found = new LinkedHashSet<>();
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

    @Test
    void aClassThatCannotBeFoundRecognizesNothing() throws Exception {
        assertEquals(List.of(), fromMainClass("com.acme.DoesNotExist", "", null));
    }

    /** Attached into a running JVM: its loaded classes say what runs; the JDK's own classes are never looked at by name. */
    @Test
    void loadedClassesOfTheApplicationAreRecognized() {
        Set<Recognizer> found = new LinkedHashSet<>();
        Recognition.fromLoadedClasses(Recognizers.ALL, new Class<?>[] {String.class, RecognitionTest.class}, found);
        assertEquals(List.of(), names(found));
    }

    /** Spring Boot's gate waits for run to return, after its embedded server listens: the server's own gate is dropped. */
    @Test
    void springBootCoversItsEmbeddedServer() throws Exception {
        Set<Recognizer> found = new LinkedHashSet<>();
        Recognition.fromMainClass(Recognizers.ALL, "org.apache.catalina.startup.Bootstrap", found);
        Recognition.scan(Recognizers.ALL, "org/springframework/boot/SpringApplication".getBytes(StandardCharsets.ISO_8859_1), found);
        assertEquals(List.of("tomcat", "spring-boot"), names(found));
        List<String> kept = new ArrayList<>();
        for (Recognizer r : Recognition.uncovered(Recognizers.ALL, found)) {
            kept.add(r.name());
        }
        assertEquals(List.of("spring-boot"), kept);
    }
}
