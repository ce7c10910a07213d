package io.jvmhealth.agent.it;

import io.jvmhealth.agent.it.lm.CustomLogManager;
import io.jvmhealth.agent.it.lm.LogManagerHost;
import io.jvmhealth.agent.testing.AgentLines;
import io.jvmhealth.agent.testing.Artifacts;
import io.jvmhealth.agent.testing.Http;
import io.jvmhealth.agent.testing.Json;
import io.jvmhealth.agent.testing.OutputPump;
import io.jvmhealth.agent.testing.Poll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The LogManager trap (jmx_exporter #455, #641, #1000): a host that installs its own
 * java.util.logging LogManager in main, with a class only loadable there, keeps it with rules and
 * presets on, because the agent touches no MBeanServer before the application has initialized
 * logging or JMX itself. The {@code jmx-first} case shows that the trap is real on this JDK: the
 * same host touching JMX first ends up with the JDK's default LogManager.
 */
class LogManagerHostIT {
    private static final Pattern URL = AgentLines.START_LINE;

    /** Host classes in one folder, the LogManager in another that is not on the class path. */
    private static Path[] folders() throws IOException {
        Path classes = Paths.get("target", "test-classes");
        Path host = Files.createTempDirectory("lm-host");
        Path lm = Files.createTempDirectory("lm-own");
        String pkg = LogManagerHost.class.getPackage().getName().replace('.', '/');
        Files.createDirectories(host.resolve(pkg));
        Files.createDirectories(lm.resolve(pkg));
        Files.copy(classes.resolve(pkg).resolve("LogManagerHost.class"), host.resolve(pkg).resolve("LogManagerHost.class"));
        Files.copy(classes.resolve(pkg).resolve("CustomLogManager.class"), lm.resolve(pkg).resolve("CustomLogManager.class"));
        return new Path[] {host, lm};
    }

    private static final class Host implements AutoCloseable {
        final Process process;
        final OutputPump out;
        final OutputPump err;
        final OutputStream stdin;

        Host(List<String> command) throws IOException {
            ProcessBuilder pb = new ProcessBuilder(command);
            pb.environment().keySet().removeIf(k -> k.startsWith("JVMHEALTH_") || k.equals("JAVA_TOOL_OPTIONS"));
            process = pb.start();
            stdin = process.getOutputStream();
            out = OutputPump.start(process.getInputStream(), "host-stdout");
            err = OutputPump.start(process.getErrorStream(), "host-stderr");
        }

        List<String> lines(OutputPump pump) {
            return pump.lines();
        }

        void send(String line) throws IOException {
            stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.flush();
        }

        String url() {
            String line = Poll.until("the agent's start line", Duration.ofSeconds(20),
                    () -> lines(err).stream().filter(l -> URL.matcher(l).find()).findFirst().orElse(null), l -> l != null);
            Matcher m = URL.matcher(line);
            m.find();
            return m.group(1);
        }

        @Override
        public void close() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static Host start(Java java, boolean agent, String mode) throws IOException {
        Path[] dirs = folders();
        Path config = Files.createTempFile("lm-rules", ".properties");
        Files.write(config, String.join("\n",
                "rule.heapused.mbean=java.lang:type=Memory",
                "rule.heapused.attribute=HeapMemoryUsage.used",
                "rule.heapused.degraded=> 0").getBytes(StandardCharsets.ISO_8859_1));
        List<String> cmd = new ArrayList<>(List.of(java.launcher().toString(), "-Xshare:auto",
                "-Djava.util.logging.manager=" + CustomLogManager.class.getName()));
        if (agent) {
            cmd.add("-javaagent:" + Artifacts.agentJar() + "=port=0,interval=100ms,presets=all,config=" + config);
        }
        cmd.addAll(List.of("-cp", dirs[0].toString(), LogManagerHost.class.getName(), dirs[1].toString()));
        if (mode != null) {
            cmd.add(mode);
        }
        return new Host(cmd);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.jvmhealth.agent.it.Java#both")
    void theHostsOwnLogManagerIsInForceWithRulesAndPresetsOn(Java java) throws Exception {
        try (Host host = start(java, true, null)) {
            String url = host.url();
            // several evaluations with the rule and every preset on, before the host initializes logging
            String first = (String) Poll.until("an evaluation", Duration.ofSeconds(10), () -> Http.get(url, "/health").json(),
                    b -> Json.at(b, "checks", "heapused") != null).get("timestamp");
            Map<String, Object> waiting = Poll.until("a later evaluation", Duration.ofSeconds(10), () -> Http.get(url, "/health").json(),
                    b -> !first.equals(b.get("timestamp")));
            assertEquals("healthy", Json.at(waiting, "checks", "heapused", "status"), waiting.toString());
            assertEquals("waiting for the application to initialize JMX (java.util.logging or an MBeanServer)",
                    Json.at(waiting, "checks", "heapused", "details", "waiting"), waiting.toString());

            host.send("go");
            Poll.until("ok go", Duration.ofSeconds(10), () -> host.lines(host.out), l -> l.contains("ok go"));
            assertTrue(host.lines(host.out).contains("log manager: " + CustomLogManager.class.getName()),
                    "the host's LogManager is the one in force: " + host.lines(host.out) + " " + host.lines(host.err));
            Map<String, Object> judged = Poll.until("the rule judged once the host initialized logging", Duration.ofSeconds(10),
                    () -> Http.get(url, "/health").json(), b -> "degraded".equals(Json.at(b, "checks", "heapused", "status")));
            assertTrue(Json.at(judged, "checks", "heapused", "details", "value") instanceof Long, judged.toString());
            assertTrue(host.lines(host.err).stream().noneMatch(l -> l.contains("Could not load Logmanager")), host.lines(host.err).toString());
        }
    }

    @Test
    void withoutTheAgentTheHostsLogManagerIsInForce() throws Exception {
        try (Host host = start(Java.JDK17, false, null)) {
            host.send("go");
            Poll.until("ok go", Duration.ofSeconds(10), () -> host.lines(host.out), l -> l.contains("ok go"));
            assertTrue(host.lines(host.out).contains("log manager: " + CustomLogManager.class.getName()), host.lines(host.out).toString());
        }
    }

    @Test
    void touchingJmxBeforeTheHostLosesItsLogManager() throws Exception {
        try (Host host = start(Java.JDK17, false, "jmx-first")) {
            host.send("go");
            Poll.until("ok go", Duration.ofSeconds(10), () -> host.lines(host.out), l -> l.contains("ok go"));
            assertTrue(host.lines(host.out).contains("log manager: java.util.logging.LogManager"),
                    "the trap is real: JMX first, and the JDK's default LogManager is in force: " + host.lines(host.out));
        }
    }
}
