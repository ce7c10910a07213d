package io.jvmhealth.agent.it;

import io.jvmhealth.agent.testing.Artifacts;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reads the built jar: everything is ours or relocated under our package, and the manifest makes it an agent and a tool. */
class ShadedJarIT {

    @Test
    void everyEntryIsUnderTheAgentsPackageOrMetaInf() throws IOException {
        List<String> foreign = new ArrayList<>();
        int classes = 0;
        int relocated = 0;
        try (JarFile jar = new JarFile(Artifacts.agentJar().toFile())) {
            for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
                String name = e.nextElement().getName();
                if (name.endsWith(".class")) {
                    classes++;
                }
                if (name.startsWith("io/jvmhealth/agent/shaded/")) {
                    relocated++;
                }
                boolean ours = name.startsWith("io/jvmhealth/agent/") || name.equals("io/") || name.equals("io/jvmhealth/");
                boolean meta = name.startsWith("META-INF/") && !name.startsWith("META-INF/versions/") && !name.startsWith("META-INF/services/");
                if (!ours && !meta || name.endsWith("module-info.class")) {
                    foreign.add(name);
                }
            }
            assertEquals(new ArrayList<String>(), foreign, "entries outside io/jvmhealth/agent/ and META-INF/");
            assertTrue(relocated > 10, "the libraries are inside, relocated: " + relocated + " entries");
            for (String lib : new String[] {"bytebuddy/agent/ByteBuddyAgent.class"}) {
                assertNotNull(jar.getEntry("io/jvmhealth/agent/shaded/" + lib), lib);
            }
            System.out.println("[ShadedJarIT] " + classes + " classes, " + relocated + " relocated entries, none outside io/jvmhealth/agent/ and META-INF/");
        }
    }

    /**
     * The connection layer is the agent's own selector loop (docs/connections.md): no NanoHTTPD is
     * shipped, and no class starts java.util.logging in the host.
     */
    @Test
    void noNanoHttpdAndNoClassReferencesJavaUtilLogging() throws IOException {
        try (JarFile jar = new JarFile(Artifacts.agentJar().toFile())) {
            for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
                JarEntry entry = e.nextElement();
                assertFalse(entry.getName().toLowerCase(java.util.Locale.ROOT).contains("nanohttpd"), entry.getName());
                if (!entry.getName().endsWith(".class")) {
                    continue;
                }
                String bytes;
                try (java.io.InputStream in = jar.getInputStream(entry)) {
                    bytes = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
                }
                assertFalse(bytes.contains("java/util/logging"), entry.getName() + " references java.util.logging");
                assertFalse(bytes.contains("fi/iki/elonen"), entry.getName() + " references NanoHTTPD");
            }
        }
    }

    @Test
    void manifestMakesItAStartupAgentADynamicAgentAndATool() throws IOException {
        try (JarFile jar = new JarFile(Artifacts.agentJar().toFile())) {
            Attributes main = jar.getManifest().getMainAttributes();
            assertEquals("io.jvmhealth.agent.JvmHealthAgent", main.getValue("Premain-Class"));
            assertEquals("io.jvmhealth.agent.JvmHealthAgent", main.getValue("Agent-Class"));
            assertEquals("io.jvmhealth.agent.cli.Cli", main.getValue("Main-Class"));
            assertEquals("true", main.getValue("Can-Retransform-Classes"));
            assertEquals("false", main.getValue("Multi-Release"), "no versioned classes that would escape relocation");
            assertNotNull(jar.getEntry("io/jvmhealth/agent/JvmHealthAgent.class"));
        }
    }
}
