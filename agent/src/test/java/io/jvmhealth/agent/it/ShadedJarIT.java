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
import java.util.jar.JarInputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reads the built jar: everything is ours or relocated under our package, and the manifest makes it an agent and a tool. */
class ShadedJarIT {

    @Test
    void everyEntryIsUnderTheAgentsPackageOrMetaInf() throws IOException {
        try (JarFile jar = new JarFile(Artifacts.agentJar().toFile())) {
            Counted agent = count(jar.entries(), jar);
            assertTrue(agent.relocated > 10, "byte-buddy-agent (the tool's attach) is inside, relocated: " + agent.relocated + " entries");
            assertNotNull(jar.getEntry("io/jvmhealth/agent/shaded/bytebuddy/agent/ByteBuddyAgent.class"));
            assertNull(jar.getEntry("io/jvmhealth/agent/shaded/bytebuddy/ByteBuddy.class"), "Byte Buddy itself is not shipped");
            assertNull(jar.getEntry("io/jvmhealth/agent/shaded/bytebuddy/jar/asm/ClassReader.class"), "ASM is only in the nested jar");
            assertNull(jar.getEntry("io/jvmhealth/agent/instrument/AsmAdvice.class"), "the advice is only in the nested jar");
            // The JVM indexes every entry of a jar on its class path when it opens it: the agent's own jar stays small.
            assertTrue(agent.entries < 500, "entries in the agent's jar: " + agent.entries); // 430 with the checks and recognizers of 2026-12-07

            JarEntry nestedEntry = jar.getJarEntry("META-INF/jvmhealth/instrument.jar");
            assertNotNull(nestedEntry, "the instrumentation, nested");
            // Only what the advice needs: ASM's core package (about 35 classes) and the instrument package.
            assertTrue(nestedEntry.getSize() < 300_000, "nested instrument.jar: " + nestedEntry.getSize() + " bytes");
            try (JarInputStream nested = new JarInputStream(jar.getInputStream(nestedEntry))) {
                List<String> names = new ArrayList<>();
                for (JarEntry e; (e = nested.getNextJarEntry()) != null; ) {
                    names.add(e.getName());
                }
                Counted inner = count(java.util.Collections.enumeration(names), null);
                assertTrue(names.contains("io/jvmhealth/agent/shaded/bytebuddy/jar/asm/ClassReader.class"), "ASM, relocated");
                assertTrue(names.contains("io/jvmhealth/agent/instrument/AsmAdvice.class"));
                String asm = "io/jvmhealth/agent/shaded/bytebuddy/jar/asm/";
                assertEquals(List.of(), names.stream().filter(n -> n.endsWith(".class") && !n.startsWith("io/jvmhealth/agent/instrument/")
                                && !(n.startsWith(asm) && n.indexOf('/', asm.length()) < 0)).collect(java.util.stream.Collectors.toList()),
                        "nothing of Byte Buddy but ASM's core package is nested");
                assertTrue(names.stream().noneMatch(n -> n.startsWith("io/jvmhealth/agent/") && n.endsWith(".class")
                        && !n.startsWith("io/jvmhealth/agent/instrument/") && !n.startsWith("io/jvmhealth/agent/shaded/")),
                        "nothing else of the agent is nested (it would be defined twice)");
                System.out.println("[ShadedJarIT] agent jar: " + agent.entries + " entries, " + agent.classes + " classes, "
                        + agent.relocated + " relocated; nested instrument.jar: " + inner.entries + " entries, " + inner.relocated
                        + " relocated; none outside io/jvmhealth/agent/ and META-INF/");
            }
        }
    }

    private static final class Counted {
        int entries;
        int classes;
        int relocated;
    }

    /** Counts entries, and fails on any outside io/jvmhealth/agent/ and META-INF/. */
    private static Counted count(Enumeration<?> names, JarFile jar) {
        Counted c = new Counted();
        List<String> foreign = new ArrayList<>();
        while (names.hasMoreElements()) {
            Object o = names.nextElement();
            String name = o instanceof JarEntry ? ((JarEntry) o).getName() : (String) o;
            c.entries++;
            if (name.endsWith(".class")) {
                c.classes++;
            }
            if (name.startsWith("io/jvmhealth/agent/shaded/")) {
                c.relocated++;
            }
            boolean ours = name.startsWith("io/jvmhealth/agent/") || name.equals("io/") || name.equals("io/jvmhealth/");
            boolean meta = name.startsWith("META-INF/") && !name.startsWith("META-INF/versions/") && !name.startsWith("META-INF/services/");
            if (!ours && !meta || name.endsWith("module-info.class")) {
                foreign.add(name);
            }
        }
        assertEquals(new ArrayList<String>(), foreign, "entries outside io/jvmhealth/agent/ and META-INF/" + (jar == null ? " (nested)" : ""));
        return c;
    }

    /**
     * The connection layer is the agent's own selector loop (docs/connections.md): no NanoHTTPD is
     * shipped, and no class starts java.util.logging in the host.
     */
    @Test
    void noNanoHttpdAndNoClassReferencesJavaUtilLogging() throws IOException {
        int checked = 0;
        try (JarFile jar = new JarFile(Artifacts.agentJar().toFile())) {
            for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
                JarEntry entry = e.nextElement();
                try (java.io.InputStream in = jar.getInputStream(entry)) {
                    checked += noJulNoNanoHttpd(entry.getName(), in.readAllBytes());
                }
                if (entry.getName().equals("META-INF/jvmhealth/instrument.jar")) {
                    try (JarInputStream nested = new JarInputStream(jar.getInputStream(entry))) {
                        for (JarEntry n; (n = nested.getNextJarEntry()) != null; ) {
                            checked += noJulNoNanoHttpd("instrument.jar!/" + n.getName(), nested.readAllBytes());
                        }
                    }
                }
            }
        }
        assertTrue(checked > 250, "classes of the jar and of the nested jar read: " + checked);
    }

    /** Returns 1 for a class file (checked), 0 for anything else. */
    private static int noJulNoNanoHttpd(String name, byte[] content) {
        assertFalse(name.toLowerCase(java.util.Locale.ROOT).contains("nanohttpd"), name);
        if (!name.endsWith(".class")) {
            return 0;
        }
        String bytes = new String(content, java.nio.charset.StandardCharsets.ISO_8859_1);
        assertFalse(bytes.contains("java/util/logging"), name + " references java.util.logging");
        assertFalse(bytes.contains("fi/iki/elonen"), name + " references NanoHTTPD");
        return 1;
    }

    /**
     * The entry point's loader defines the agent's classes from the jar's stored entries, with the jar's code source
     * and package version; the entry point itself and the boot package come from its parent.
     */
    @Test
    void theAgentsClassesComeFromItsOwnLoader() throws Exception {
        java.io.File file = Artifacts.agentJar().toFile();
        try (java.net.URLClassLoader system = new java.net.URLClassLoader(new java.net.URL[] {file.toURI().toURL()},
                ClassLoader.getPlatformClassLoader())) {
            Class<?> entry = Class.forName("io.jvmhealth.agent.JvmHealthAgent", false, system);
            Class<?> classesType = Class.forName("io.jvmhealth.agent.JvmHealthAgent$Classes", false, system);
            java.lang.reflect.Constructor<?> make = classesType.getDeclaredConstructor(ClassLoader.class, java.io.File.class);
            make.setAccessible(true);
            ClassLoader classes = (ClassLoader) make.newInstance(system, file);
            Class<?> runtime = Class.forName("io.jvmhealth.agent.runtime.AgentRuntime", false, classes);
            assertSame(classes, runtime.getClassLoader(), "defined by the agent's loader");
            assertEquals(file.toURI().toURL(), runtime.getProtectionDomain().getCodeSource().getLocation());
            assertEquals(entry.getPackage().getImplementationVersion(), runtime.getPackage().getImplementationVersion());
            assertNotNull(runtime.getPackage().getImplementationVersion(), "the manifest's version");
            assertSame(entry, Class.forName("io.jvmhealth.agent.JvmHealthAgent", false, classes), "the entry point: the parent's");
            assertSame(system, Class.forName("io.jvmhealth.agent.boot.GateSignal", false, classes).getClassLoader(),
                    "the boot package: the parent's (the bootstrap loader's once a gate put it there)");
            assertSame(String.class, Class.forName("java.lang.String", false, classes));
            assertNotNull(classes.getResource("META-INF/jvmhealth/instrument.jar"), "resources: the parent's");
            // the agent's own class files come from the jar directly (no jar: URL), byte for byte as the jar holds them
            String own = "io/jvmhealth/agent/runtime/AgentRuntime.class";
            byte[] direct;
            try (java.io.InputStream in = classes.getResourceAsStream(own)) {
                assertEquals(java.io.ByteArrayInputStream.class, in.getClass(), "served by the agent's loader");
                direct = in.readAllBytes();
            }
            try (JarFile jar = new JarFile(file)) {
                assertArrayEquals(jar.getInputStream(jar.getEntry(own)).readAllBytes(), direct);
            }
            assertNull(classes.getResourceAsStream("io/jvmhealth/agent/NoSuchClass.class"));
            try (java.io.InputStream in = classes.getResourceAsStream("META-INF/jvmhealth/instrument.jar")) {
                assertNotEquals(java.io.ByteArrayInputStream.class, in.getClass(), "anything else: the parent's");
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

    @Test
    void everyEntryIsStoredAndTheManifestComesFirst() throws IOException {
        // Stored, not deflated: each class a host loads from a deflated entry costs an Inflater and its buffer on the
        // host's heap (agent/pom.xml, store-agent-jar). The manifest first, for readers that stream the jar.
        try (JarFile jar = new JarFile(Artifacts.agentJar().toFile())) {
            Enumeration<JarEntry> entries = jar.entries();
            List<String> firstTwo = new ArrayList<>();
            int classes = 0;
            while (entries.hasMoreElements()) {
                JarEntry e = entries.nextElement();
                if (firstTwo.size() < 2) {
                    firstTwo.add(e.getName());
                }
                assertEquals(java.util.zip.ZipEntry.STORED, e.getMethod(), e.getName() + " is deflated");
                classes += e.getName().endsWith(".class") ? 1 : 0;
            }
            assertTrue(firstTwo.contains("META-INF/MANIFEST.MF"), "manifest among the first entries: " + firstTwo);
            assertTrue(classes > 50, classes + " classes");
        }
    }
}
