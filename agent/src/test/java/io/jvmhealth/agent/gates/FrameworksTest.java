package io.jvmhealth.agent.gates;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Recognition from a main class's bytes and from well-known main class names. */
class FrameworksTest {
    private static Set<Frameworks.Framework> scan(String constantPool) {
        Set<Frameworks.Framework> found = EnumSet.noneOf(Frameworks.Framework.class);
        Frameworks.scan(("\u00ca\u00fe\u00ba\u00be..." + constantPool).getBytes(StandardCharsets.ISO_8859_1), found);
        return found;
    }

    @Test
    void aMainClassReferringToAFrameworksEntryClassIsThatFramework() {
        assertEquals(EnumSet.of(Frameworks.Framework.SPRING_BOOT), scan("org/springframework/boot/SpringApplication"));
        assertEquals(EnumSet.of(Frameworks.Framework.JETTY), scan("org/eclipse/jetty/server/Server"));
        assertEquals(EnumSet.of(Frameworks.Framework.TOMCAT), scan("org/apache/catalina/startup/Tomcat"));
        assertEquals(EnumSet.noneOf(Frameworks.Framework.class), scan("java/lang/String com/acme/App"));
    }

    @Test
    void wellKnownMainClassesAreRecognizedByName() throws Exception {
        Set<Frameworks.Framework> found = EnumSet.noneOf(Frameworks.Framework.class);
        Frameworks.fromMainClass("org.apache.catalina.startup.Bootstrap start", found);
        Frameworks.fromMainClass("kafka.Kafka config/server.properties", found);
        Frameworks.fromMainClass("org.eclipse.jetty.start.Main", found);
        assertEquals(EnumSet.of(Frameworks.Framework.TOMCAT, Frameworks.Framework.KAFKA_BROKER, Frameworks.Framework.JETTY), found);
    }

    /** {@code start.jar --dry-run}'s command line and the JVM {@code --exec} forks: XmlConfiguration names no Server class. */
    @Test
    void jettysXmlConfigurationAsTheMainClassIsJetty() throws Exception {
        Set<Frameworks.Framework> found = EnumSet.noneOf(Frameworks.Framework.class);
        Frameworks.fromMainClass("org.eclipse.jetty.xml.XmlConfiguration java.version=17.0.15 jetty.base=/srv/jetty /opt/jetty/etc/jetty.xml", found);
        assertEquals(EnumSet.of(Frameworks.Framework.JETTY), found);
    }

    @Test
    void aClassThatCannotBeFoundRecognizesNothing() throws Exception {
        Set<Frameworks.Framework> found = EnumSet.noneOf(Frameworks.Framework.class);
        Frameworks.fromMainClass("com.acme.DoesNotExist", found);
        Frameworks.fromMainClass("", found);
        Frameworks.fromMainClass(null, found);
        assertEquals(EnumSet.noneOf(Frameworks.Framework.class), found);
    }
}
