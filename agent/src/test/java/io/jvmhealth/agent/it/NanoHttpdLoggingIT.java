package io.jvmhealth.agent.it;

import io.jvmhealth.agent.testing.Artifacts;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Enumeration;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shaded NanoHTTPD logs through the agent's one-line bridge (io.jvmhealth.agent.http.jul), so
 * that starting the agent never starts java.util.logging in the host (see scripts/bench.sh).
 */
class NanoHttpdLoggingIT {

    @Test
    void noClassInTheJarReferencesJavaUtilLogging() throws IOException {
        boolean bridged = false;
        try (JarFile jar = new JarFile(Artifacts.agentJar().toFile())) {
            for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
                JarEntry entry = e.nextElement();
                if (!entry.getName().endsWith(".class")) {
                    continue;
                }
                String bytes;
                try (InputStream in = jar.getInputStream(entry)) {
                    bytes = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
                }
                assertFalse(bytes.contains("java/util/logging"), entry.getName() + " references java.util.logging");
                if (entry.getName().equals("io/jvmhealth/agent/shaded/nanohttpd/NanoHTTPD.class")) {
                    bridged = bytes.contains("io/jvmhealth/agent/http/jul/Logger");
                }
            }
        }
        assertTrue(bridged, "NanoHTTPD logs through io.jvmhealth.agent.http.jul.Logger");
    }
}
