package io.jvmhealth.agent.it;

import io.jvmhealth.agent.testing.Hosts;
import io.jvmhealth.agent.testing.Http;
import io.jvmhealth.agent.testing.OutputPump;
import io.jvmhealth.agent.testing.Poll;
import io.jvmhealth.agent.testing.TargetJvm;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 12, item 1: a live agent's {@code /metrics} is accepted by Prometheus's own linter
 * ({@code promtool check metrics}), healthy and with failing checks, and follows the
 * {@code details} policy.
 */
class MetricsIT {

    /** promtool from PATH (Debian package {@code prometheus}), or null. */
    private static Path promtool() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Paths.get(dir, "promtool");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    /** Runs {@code promtool check metrics} on {@code text}; returns its exit code and output. */
    private static String[] promtoolCheck(String text) throws Exception {
        Path promtool = promtool();
        Assumptions.assumeTrue(promtool != null,
                "SKIPPED: promtool is not on PATH (apt-get install -y prometheus; .ci/run does it)");
        Process p = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectErrorStream(true).start();
        OutputPump out = OutputPump.start(p.getInputStream(), "promtool-output");
        try (OutputStream in = p.getOutputStream()) {
            in.write(text.getBytes(StandardCharsets.UTF_8));
        }
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "promtool did not finish");
        String output = String.join("\n", out.linesAfterEnd(Duration.ofSeconds(5)));
        return new String[] {String.valueOf(p.exitValue()), output};
    }

    private static void assertAccepted(Http.Response r) throws Exception {
        assertEquals(200, r.status, r.toString());
        assertEquals("text/plain; version=0.0.4; charset=utf-8", r.header("Content-Type"));
        String[] result = promtoolCheck(r.body);
        assertEquals("0", result[0], "promtool check metrics: " + result[1] + "\non:\n" + r.body);
        assertEquals("", result[1].trim(), "promtool had remarks on:\n" + r.body);
    }

    @Test
    void aHealthyAgentsMetricsPassPromtool() throws Exception {
        try (TargetJvm target = TargetJvm.builder().agent("port=0,interval=200ms").commands("work").start()) {
            String url = Hosts.started(target);
            Http.Response r = Http.get(url, "/metrics");
            assertAccepted(r);
            for (String endpoint : new String[] {"live", "ready", "started", "health"}) {
                assertTrue(r.body.contains("jvmhealth_up{endpoint=\"" + endpoint + "\"} 1\n"), r.body);
            }
            for (String check : new String[] {"deadlock", "heap", "gc", "threads"}) {
                assertTrue(r.body.contains("jvmhealth_check_status{check=\"" + check + "\",status=\"healthy\"} 1\n"), r.body);
                assertTrue(r.body.contains("jvmhealth_check_status{check=\"" + check + "\",status=\"unhealthy\"} 0\n"), r.body);
            }
            assertTrue(r.body.matches("(?s).*\njvmhealth_check_max_bytes\\{check=\"heap\"} [1-9][0-9]*\n.*"), r.body);
            assertTrue(r.body.matches("(?s).*\njvmhealth_check_pause_ratio\\{check=\"gc\"} [0-9.eE-]+\n.*"), r.body);
            assertTrue(r.body.matches("(?s).*\njvmhealth_evaluation_age_seconds [0-9.eE-]+\n.*"), r.body);
            assertTrue(r.body.matches("(?s).*\njvmhealth_info\\{version=\"[^\"]+\"} 1\n.*"), r.body);
            assertFalse(r.body.contains("version=\"unknown\""), "the jar's manifest names the version: " + r.body);
            Http.Response head = Http.head(url, "/metrics");
            assertEquals(200, head.status);
            assertEquals("", head.body);
        }
    }

    @Test
    void failingChecksStillGiveMetricsThatPassPromtool() throws Exception {
        try (TargetJvm target = TargetJvm.builder().agent("port=0,interval=200ms,threads.degraded=4,threads.unhealthy=5")
                .commands("work", "deadlock", "monitor").start()) {
            String url = target.agentUrl(Duration.ofSeconds(20));
            Http.Response r = Poll.until("/metrics to show the deadlock", Duration.ofSeconds(15), () -> Http.get(url, "/metrics"),
                    m -> m.body.contains("jvmhealth_check_status{check=\"deadlock\",status=\"unhealthy\"} 1\n"));
            assertAccepted(r);
            assertTrue(r.body.contains("jvmhealth_up{endpoint=\"live\"} 0\n"), r.body);
            assertTrue(r.body.contains("jvmhealth_up{endpoint=\"ready\"} 0\n"), r.body);
            assertTrue(r.body.contains("jvmhealth_check_status{check=\"threads\",status=\"unhealthy\"} 1\n"), r.body);
            assertTrue(r.body.contains("jvmhealth_check_deadlocked_threads{check=\"deadlock\"} 2\n"), r.body);
        }
    }

    @Test
    void withoutDetailsMetricsCarryStatesButNoFigures() throws Exception {
        try (TargetJvm target = TargetJvm.builder().agent("port=0,interval=200ms,details=never").commands("work").start()) {
            String url = Hosts.started(target);
            Http.Response r = Http.get(url, "/metrics");
            assertAccepted(r);
            assertTrue(r.body.contains("jvmhealth_check_status{check=\"heap\",status=\"healthy\"} 1\n"), r.body);
            assertTrue(r.body.contains("jvmhealth_up{endpoint=\"ready\"} 1\n"), r.body);
            assertFalse(r.body.contains("_bytes"), r.body);
            assertFalse(r.body.contains("jvmhealth_check_live"), r.body);
            assertFalse(r.body.contains("jvmhealth_info"), r.body);
        }
    }
}
