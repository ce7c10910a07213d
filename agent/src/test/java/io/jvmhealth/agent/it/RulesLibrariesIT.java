package io.jvmhealth.agent.it;

import io.jvmhealth.agent.it.libs.LibraryHost;
import io.jvmhealth.agent.testing.AgentLines;
import io.jvmhealth.agent.testing.Artifacts;
import io.jvmhealth.agent.testing.Hosts;
import io.jvmhealth.agent.testing.Http;
import io.jvmhealth.agent.testing.Json;
import io.jvmhealth.agent.testing.OutputPump;
import io.jvmhealth.agent.testing.Poll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
 * The presets on real libraries from Maven Central, each host a separate JVM with the agent:
 * a HikariCP pool on H2 exhausted by waiting threads, an embedded Tomcat whose request threads are
 * all busy, a Jetty thread pool low on threads, a KafkaConsumer's metrics MBeans (no broker needed).
 */
@Execution(ExecutionMode.CONCURRENT) // one host per test, each mostly waiting out its preset's 10 s "for"
class RulesLibrariesIT {
    private static final Pattern URL = AgentLines.START_LINE;

    private static final class Host implements AutoCloseable {
        final Process process;
        final OutputPump out;
        final OutputPump err;
        final OutputStream stdin;

        Host(Java java, String mode) throws IOException {
            String cp = Paths.get("target", "test-classes").toAbsolutePath() + File.pathSeparator
                    + new String(Files.readAllBytes(Paths.get(System.getProperty("test.hosts.classpath"))), StandardCharsets.UTF_8).trim();
            // ready.auto=false: one main class holds every library's host, so it would be recognized as Tomcat and
            // Jetty in every mode (and the hikari and kafka modes never start either): these tests judge rules, not gates.
            ProcessBuilder pb = new ProcessBuilder(java.launcher().toString(), "-Xshare:auto",
                    "-javaagent:" + Artifacts.agentJar() + "=port=0,interval=500ms,ready.auto=false", "-cp", cp, LibraryHost.class.getName(), mode);
            pb.environment().keySet().removeIf(k -> k.startsWith("JVMHEALTH_") || k.equals("JAVA_TOOL_OPTIONS"));
            process = pb.start();
            stdin = process.getOutputStream();
            out = OutputPump.start(process.getInputStream(), "host-stdout");
            err = OutputPump.start(process.getErrorStream(), "host-stderr");
            Poll.until("host started (" + err() + ")", Duration.ofSeconds(30), this::out, l -> l.contains("host started " + mode));
        }

        List<String> out() {
            return out.lines();
        }

        List<String> err() {
            return err.lines();
        }

        void run(String command) throws IOException {
            stdin.write((command + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.flush();
            Poll.until("ok " + command, Duration.ofSeconds(10), this::out, l -> l.contains("ok " + command));
        }

        String url() {
            String line = Poll.until("the agent's start line", Duration.ofSeconds(20),
                    () -> err().stream().filter(l -> URL.matcher(l).find()).findFirst().orElse(null), l -> l != null);
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

    @Test
    void hikariPoolExhaustedByWaitingThreadsIsDegraded() throws Exception {
        try (Host host = new Host(Java.JDK17, "hikari")) {
            String url = host.url();
            Map<String, Object> healthy = Hosts.awaitCheck(url, "hikari", "healthy", Duration.ofSeconds(15));
            assertEquals("com.zaxxer.hikari:type=Pool (db)", Json.at(healthy, "details", "mbean"), healthy.toString());
            assertEquals(0L, Json.at(healthy, "details", "value"));
            host.run("exhaust");
            long exhausted = System.nanoTime();
            Map<String, Object> degraded = Hosts.awaitCheck(url, "hikari", "degraded", Duration.ofSeconds(30));
            assertTrue(System.nanoTime() - exhausted >= Duration.ofSeconds(9).toNanos(), "for=10s");
            assertEquals("ThreadsAwaitingConnection of com.zaxxer.hikari:type=Pool (db) is 3 (degraded when > 0 for 10s: held 10s)",
                    String.valueOf(Json.at(degraded, "reason")).replaceAll("held \\d+s", "held 10s"), degraded.toString());
            assertEquals(200, Http.get(url, "/ready").status, "degraded is still ready");
            Map<String, Object> health = Http.get(url, "/health").json();
            assertTrue(!((Map<?, ?>) health.get("checks")).containsKey("tomcat"), "no Tomcat here: no tomcat check: " + health);
        }
    }

    @Test
    void tomcatWithEveryRequestThreadBusyIsDegraded() throws Exception {
        try (Host host = new Host(Java.JDK17, "tomcat")) {
            String url = host.url();
            int port = Integer.parseInt(host.out().stream().filter(l -> l.startsWith("port ")).findFirst().orElseThrow().substring(5));
            Map<String, Object> healthy = Hosts.awaitCheck(url, "tomcat", "healthy", Duration.ofSeconds(15));
            String mbean = String.valueOf(Json.at(healthy, "details", "mbean"));
            assertTrue(mbean.startsWith("Tomcat:name=\"http-nio-") && mbean.endsWith(",type=ThreadPool"), healthy.toString());
            List<Socket> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    Socket s = new Socket("127.0.0.1", port);
                    s.getOutputStream().write("GET /block HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    clients.add(s);
                }
                long busy = System.nanoTime();
                Map<String, Object> degraded = Hosts.awaitCheck(url, "tomcat", "degraded", Duration.ofSeconds(30));
                assertTrue(System.nanoTime() - busy >= Duration.ofSeconds(9).toNanos(), "for=10s");
                String reason = String.valueOf(Json.at(degraded, "reason"));
                assertTrue(reason.startsWith("currentThreadsBusy/maxThreads of " + mbean + " is 1 (degraded when >= 0.9 for 10s: held "), reason);
                host.run("release");
                Hosts.awaitCheck(url, "tomcat", "healthy", Duration.ofSeconds(15));
            } finally {
                for (Socket s : clients) {
                    s.close();
                }
            }
        }
    }

    @Test
    void jettyLowOnThreadsIsDegraded() throws Exception {
        try (Host host = new Host(Java.JDK17, "jetty")) {
            String url = host.url();
            int port = Integer.parseInt(host.out().stream().filter(l -> l.startsWith("port ")).findFirst().orElseThrow().substring(5));
            Map<String, Object> healthy = Hosts.awaitCheck(url, "jetty", "healthy", Duration.ofSeconds(15));
            String mbean = String.valueOf(Json.at(healthy, "details", "mbean"));
            assertTrue(mbean.startsWith("org.eclipse.jetty.util.thread:") && mbean.contains("type=queuedthreadpool"), healthy.toString());
            assertEquals(false, Json.at(healthy, "details", "value"), healthy.toString());
            List<Socket> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 10; i++) {
                    Socket s = new Socket("127.0.0.1", port);
                    s.getOutputStream().write("GET /block HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    clients.add(s);
                }
                long busy = System.nanoTime();
                Map<String, Object> degraded = Hosts.awaitCheck(url, "jetty", "degraded", Duration.ofSeconds(30));
                assertTrue(System.nanoTime() - busy >= Duration.ofSeconds(9).toNanos(), "for=10s");
                String reason = String.valueOf(Json.at(degraded, "reason"));
                assertTrue(reason.startsWith("lowOnThreads of " + mbean + " is true (degraded when == true for 10s: held "), reason);
                host.run("release");
                Hosts.awaitCheck(url, "jetty", "healthy", Duration.ofSeconds(15));
            } finally {
                for (Socket s : clients) {
                    s.close();
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.jvmhealth.agent.it.Java#both")
    void kafkaConsumerMetricsAreJudgedWithoutABroker(Java java) throws Exception {
        try (Host host = new Host(java, "kafka")) {
            String url = host.url();
            Hosts.awaitCheck(url, "kafka-consumer", "healthy", Duration.ofSeconds(15));
            Map<String, Object> details = Poll.until("both consumer MBeans", Duration.ofSeconds(10),
                    () -> Http.get(url, "/health").json(), b -> Long.valueOf(2).equals(Json.at(b, "checks", "kafka-consumer", "details", "matched")));
            String mbean = String.valueOf(Json.at(details, "checks", "kafka-consumer", "details", "mbean"));
            assertTrue(mbean.contains("client-id=orders"), "details name the client: " + details);
            assertEquals(-1.0, Json.at(details, "checks", "kafka-consumer", "details", "value"), "never polled: " + details);
            assertTrue(!((Map<?, ?>) details.get("checks")).containsKey("kafka-broker"), details.toString());
            assertEquals(200, Http.get(url, "/ready").status);
        }
    }
}
