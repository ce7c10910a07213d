package io.jvmhealth.agent.config;

import io.jvmhealth.agent.base.LogLevel;
import io.jvmhealth.agent.runtime.Catalog;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OptionsTest {
    private static final Map<String, String> NO_ENV = Collections.emptyMap();

    private static Settings resolve(String args) throws InvalidOptionException {
        return Catalog.resolve(args, new Properties(), NO_ENV).settings;
    }

    private static String error(String args, Properties props, Map<String, String> env) {
        return assertThrows(InvalidOptionException.class, () -> Catalog.resolve(args, props, env)).getMessage();
    }

    private static String error(String args) {
        return error(args, new Properties(), NO_ENV);
    }

    @Test
    void defaultsAreTheDocumentedOnes() throws Exception {
        Settings s = resolve(null);
        assertEquals(9555, s.port);
        assertEquals("0.0.0.0", s.host);
        assertEquals(5000, s.intervalMillis);
        assertEquals(0.85, s.ratio("heap.degraded"));
        assertEquals(0.95, s.ratio("heap.unhealthy"));
        assertEquals(0.10, s.ratio("gc.degraded"));
        assertEquals(0.30, s.ratio("gc.unhealthy"));
        assertEquals(60_000, s.millis("gc.window"));
        assertEquals(2000, s.integer("threads.degraded"));
        assertEquals(5000, s.integer("threads.unhealthy"));
        assertEquals(new LinkedHashSet<>(Arrays.asList("deadlock", "heap", "gc", "threads", "memory", "fds", "cpu", "vthreads", "gc-spiral", "hang", "request-pool")), s.checks);
        assertEquals(0.90, s.ratio("memory.degraded"));
        assertEquals(0.97, s.ratio("memory.unhealthy"));
        assertEquals(0.80, s.ratio("fds.degraded"));
        assertEquals(0.95, s.ratio("fds.unhealthy"));
        assertEquals(0.25, s.ratio("cpu.degraded"));
        assertEquals(Double.POSITIVE_INFINITY, s.ratio("cpu.unhealthy"), "cpu.unhealthy=off: degraded at most");
        assertEquals(60_000, s.millis("cpu.window"));
        assertEquals("stderr", s.text("evidence"));
        assertNull(s.text("evidence.dir"));
        assertEquals(Details.ALWAYS, s.details);
        assertEquals(LogLevel.INFO, s.log);
        assertNull(s.tokenBytes());
    }

    @Test
    void parsesAgentOptionsWithUnits() throws Exception {
        Settings s = resolve("port=0, interval=500ms,gc.window=2m,heap.degraded=0.5,heap.unhealthy=0.6,threads.degraded=10,threads.unhealthy=20,log=warn");
        assertEquals(0, s.port);
        assertEquals(500, s.intervalMillis);
        assertEquals(120_000, s.millis("gc.window"));
        assertEquals(0.5, s.ratio("heap.degraded"));
        assertEquals(10, s.integer("threads.degraded"));
        assertEquals(LogLevel.WARN, s.log);
        assertEquals(3_600_000, resolve("interval=1h").intervalMillis);
    }

    @Test
    void aListValueMayContinueAfterCommasInAgentOptions() throws Exception {
        Settings s = resolve("checks=deadlock,heap,port=0");
        assertEquals(new LinkedHashSet<>(Arrays.asList("deadlock", "heap")), s.checks);
        assertEquals(0, s.port);
        assertEquals(new LinkedHashSet<>(Arrays.asList("deadlock", "threads", "memory", "fds", "cpu", "vthreads", "gc-spiral", "hang", "request-pool")), resolve("disable=gc,heap").checks);
    }

    @Test
    void agentOptionsBeatPropertiesBeatEnvironmentBeatConfigFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("health.properties");
        Files.write(file, "port=1001\ninterval=1s\nheap.degraded=0.5\nlog=off\n".getBytes(StandardCharsets.UTF_8));
        Properties props = new Properties();
        props.setProperty("jvmhealth.port", "1002");
        props.setProperty("jvmhealth.interval", "2s");
        props.setProperty("jvmhealth.url", "http://127.0.0.1:1/"); // published by the agent, not an option
        Map<String, String> env = new HashMap<>();
        env.put("JVMHEALTH_PORT", "1003");
        env.put("JVMHEALTH_INTERVAL", "3s");
        env.put("JVMHEALTH_HEAP_DEGRADED", "0.6");
        env.put("JVMHEALTH_CONFIG", file.toString());
        env.put("PATH", "/usr/bin");

        Settings s = Catalog.resolve("port=1000", props, env).settings;
        assertEquals(1000, s.port, "agent options first");
        assertEquals(2000, s.intervalMillis, "then system properties");
        assertEquals(0.6, s.ratio("heap.degraded"), "then environment");
        assertEquals(LogLevel.OFF, s.log, "then the config file");
        assertEquals(0.95, s.ratio("heap.unhealthy"), "then defaults");
    }

    @Test
    void configFileMayUsePrefixedKeys(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("c.properties");
        Files.write(file, "jvmhealth.port=4242\n".getBytes(StandardCharsets.UTF_8));
        assertEquals(4242, resolve("config=" + file).port);
    }

    @Test
    void unknownKeysAreNamedWithTheirSource() {
        String m = error("prot=9555");
        assertTrue(m.contains("'prot'") && m.contains("agent options") && m.contains("port"), m);

        Properties props = new Properties();
        props.setProperty("jvmhealth.intervall", "5s");
        m = error(null, props, NO_ENV);
        assertTrue(m.contains("'intervall'") && m.contains("-Djvmhealth.intervall"), m);

        m = error(null, new Properties(), Collections.singletonMap("JVMHEALTH_PROT", "1"));
        assertTrue(m.contains("JVMHEALTH_PROT") && m.contains("JVMHEALTH_PORT"), m);
    }

    @Test
    void badValuesNameTheKeyAndWhatIsAccepted() {
        String m = error("port=notaport");
        assertTrue(m.contains("'port'") && m.contains("'notaport'") && m.contains("0 to 65535"), m);
        m = error("port=70000");
        assertTrue(m.contains("'port'"), m);
        m = error("interval=fast");
        assertTrue(m.contains("'interval'") && m.contains("500ms"), m);
        m = error("interval=5");
        assertTrue(m.contains("'interval'") && m.contains("unit"), m);
        m = error("heap.degraded=1.5");
        assertTrue(m.contains("'heap.degraded'") && m.contains("0 to 1"), m);
        m = error("gc.unhealthy=-0.1");
        assertTrue(m.contains("'gc.unhealthy'"), m);
        m = error("details=sometimes");
        assertTrue(m.contains("always, never, authorized"), m);
        m = error("log=debug");
        assertTrue(m.contains("info, warn, off"), m);
        m = error("checks=heap,disk");
        assertTrue(m.contains("'checks'") && m.contains("deadlock, heap, gc, threads, memory, fds, cpu"), m);
        m = error("cpu.unhealthy=sometimes");
        assertTrue(m.contains("'cpu.unhealthy'") && m.contains("off, or a fraction from 0 to 1"), m);
        m = error("cpu.degraded=0.5,cpu.unhealthy=0.4");
        assertTrue(m.contains("'cpu.degraded'") && m.contains("degraded must not exceed unhealthy"), m);
        m = error("memory.unhealthy=1.5");
        assertTrue(m.contains("'memory.unhealthy'") && m.contains("a fraction from 0 to 1"), m);
        m = error("fds.degraded=0.99");
        assertTrue(m.contains("'fds.degraded'") && m.contains("degraded must not exceed unhealthy"), m);
        m = error("evidence=file");
        assertTrue(m.contains("'evidence'") && m.contains("stderr, off"), m);
        m = error("evidence.dir=/proc/self/status");
        assertTrue(m.contains("'evidence.dir'") && m.contains("a folder"), m);
        m = error("cpu.window=10ms");
        assertTrue(m.contains("'cpu.window'"), m);
        m = error("justaword");
        assertTrue(m.contains("'justaword'") && m.contains("key=value"), m);
    }

    @Test
    void degradedMustNotExceedUnhealthy() {
        String m = error("heap.degraded=0.9,heap.unhealthy=0.8");
        assertTrue(m.contains("'heap.degraded'") && m.contains("'heap.unhealthy'"), m);
        assertTrue(error("threads.degraded=100,threads.unhealthy=50").contains("threads.degraded"));
    }

    @Test
    void tokenFromFileOrInlineButNotBoth(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("token");
        Files.write(file, "s3cret\n".getBytes(StandardCharsets.UTF_8));
        assertArrayEquals("s3cret".getBytes(StandardCharsets.UTF_8), resolve("token.file=" + file).tokenBytes());
        assertArrayEquals("abc".getBytes(StandardCharsets.UTF_8), resolve("token=abc").tokenBytes());
        assertTrue(error("token=abc,token.file=" + file).contains("both"));
        assertTrue(error("token.file=" + dir.resolve("missing")).contains("token.file"));
        assertTrue(error("details=authorized").contains("token"));
        assertEquals(Details.AUTHORIZED, resolve("details=authorized,token=abc").details);
    }

    @Test
    void tokenNeverAppearsInErrorsOrDescriptions() throws Exception {
        String m = error("token=hunter2,port=x");
        assertTrue(!m.contains("hunter2"), m);
        assertTrue(!resolve("token=hunter2").toString().contains("hunter2"));
    }

    @Test
    void unreadableConfigFileIsAnOptionError(@TempDir Path dir) {
        String m = error("config=" + dir.resolve("nope.properties"));
        assertTrue(m.contains("'config'") && m.contains("nope.properties"), m);
    }

    @Test
    void envNamesFollowTheContract() throws IOException {
        assertEquals("JVMHEALTH_TOKEN_FILE", Options.envName("token.file"));
        assertEquals("JVMHEALTH_GC_WINDOW", Options.envName("gc.window"));
    }
}
