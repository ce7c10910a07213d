package io.jvmhealth.agent.it;

import io.jvmhealth.agent.testing.AgentCli;
import io.jvmhealth.agent.testing.AgentLines;
import io.jvmhealth.agent.testing.Hosts;
import io.jvmhealth.agent.testing.Http;
import io.jvmhealth.agent.testing.Json;
import io.jvmhealth.agent.testing.OsThreads;
import io.jvmhealth.agent.testing.Poll;
import io.jvmhealth.agent.testing.TargetJvm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The operator's path on one JVM started WITHOUT the agent: list, status, attach, every endpoint,
 * idempotent attach, a deadlock after attach, and the host's stdout untouched throughout. The tests
 * run in order on one target, as an operator would.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AttachIT {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static TargetJvm target;
    private static String pid;
    private static String url;

    @BeforeAll
    static void startHostWithoutAgent() throws Exception {
        target = Hosts.startHostWithoutAgent(TargetJvm.builder(), "work");
        pid = Long.toString(target.pid());
    }

    @AfterAll
    static void stopHost() {
        if (target != null) {
            target.close();
        }
    }

    @Test
    @Order(1)
    void listShowsTheTargetWithItsJarAndNoAgent() throws Exception {
        AgentCli.Result r = AgentCli.run("list");
        assertEquals(0, r.exitCode, r.toString());
        String line = lineFor(r, pid);
        assertTrue(line.contains("sample-target.jar"), line);
        assertTrue(line.trim().endsWith(" -"), "no agent runs there yet: " + line);
        assertNoStackTrace(r);
    }

    @Test
    @Order(2)
    void statusBeforeAttachSaysNotRunningWithExit3() throws Exception {
        AgentCli.Result r = AgentCli.run("status", pid);
        assertEquals(3, r.exitCode, r.toString());
        assertEquals(Arrays.asList(), r.stdout, r.toString());
        assertEquals(Arrays.asList("jvm-health: the agent does not run in pid " + pid), r.stderr, r.toString());
    }

    @Test
    @Order(3)
    void attachPrintsTheUrlOnceLiveAnswers() throws Exception {
        AgentCli.Result r = AgentCli.run("attach", pid, "port=0,interval=200ms");
        assertEquals(0, r.exitCode, r.toString());
        url = r.line();
        assertTrue(url.matches("http://127\\.0\\.0\\.1:\\d+/"), r.toString());
        assertTrue(r.stderr.stream().allMatch(l -> l.startsWith("jvm-health: note: ")), "at most notes (JEP 451 on Java 21+): " + r);
        // The tool waited for /live: it answers at once, without polling.
        assertEquals(200, Http.get(url, "/live").status);
        assertEquals(1, AgentLines.startLines(target.stderrLines()), target.toString());
    }

    @Test
    @Order(4)
    void everyEndpointAnswersAsWithJavaagent() throws Exception {
        Poll.until("/started to answer 200", WAIT, () -> Http.get(url, "/started").status, s -> s == 200);
        for (String path : Arrays.asList("/live", "/ready", "/started", "/health")) {
            Http.Response r = Http.get(url, path);
            assertEquals(200, r.status, path + ": " + r);
            assertEquals("application/json", r.header("Content-Type"), path);
            assertEquals("no-store", r.header("Cache-Control"), path);
            assertEquals("healthy", r.json().get("status"), path + ": " + r.body);
            assertEquals(200, Http.head(url, path).status, path);
        }
        Map<String, Object> health = Http.get(url, "/health").json();
        for (String check : Arrays.asList("deadlock", "heap", "gc", "threads", "memory", "fds", "cpu", "vthreads", "gc-spiral")) {
            assertEquals("healthy", Json.at(health, "checks", check, "status"), check + " in " + health);
        }
        assertEquals(200, Http.get(url, "/metrics").status, "/metrics is served after attach too");
        assertEquals(404, Http.get(url, "/nope").status);
        assertEquals(405, Http.request(url, "POST", "/live", "").status);
    }

    @Test
    @Order(5)
    void statusAndListReadTheUrlFromTheTarget() throws Exception {
        AgentCli.Result status = AgentCli.run("status", pid);
        assertEquals(0, status.exitCode, status.toString());
        assertEquals(url, status.line());
        AgentCli.Result list = AgentCli.run("list");
        assertEquals(0, list.exitCode, list.toString());
        assertTrue(lineFor(list, pid).trim().endsWith(" " + url), list.toString());
    }

    @Test
    @Order(6)
    void attachingAgainReportsTheRunningAgentAndStartsNothing() throws Exception {
        List<String> before = OsThreads.available() ? OsThreads.names(target.pid()) : null;
        AgentCli.Result again = AgentCli.run("attach", pid);
        assertEquals(0, again.exitCode, again.toString());
        assertEquals(url, again.line());
        AgentCli.Result withOptions = AgentCli.run("attach", pid, "port=0,interval=1s");
        assertEquals(0, withOptions.exitCode, withOptions.toString());
        assertEquals(url, withOptions.line(), "the running agent, not a second one on another port");
        assertTrue(withOptions.stderr.size() == 1 && withOptions.stderr.get(0).contains("already runs")
                && withOptions.stderr.get(0).contains("not applied"), withOptions.toString());
        assertEquals(1, AgentLines.startLines(target.stderrLines()), target.toString());
        if (before != null) {
            List<String> after = OsThreads.names(target.pid());
            assertEquals(1, OsThreads.count(target.pid(), "jvm-health-eval"), after.toString());
            assertEquals(ours(before).stream().filter(n -> !n.equals("jvm-health-http")).count(),
                    ours(after).stream().filter(n -> !n.equals("jvm-health-http")).count(), before + " -> " + after);
        }
    }

    @Test
    @Order(7)
    void aDeadlockAfterAttachTurnsLive503() throws Exception {
        target.run("deadlock monitor", WAIT);
        Http.Response live = Poll.until("/live to report the deadlock", WAIT, () -> Http.get(url, "/live"), r -> r.status == 503);
        Map<String, Object> body = live.json();
        assertEquals("unhealthy", body.get("status"), live.body);
        assertEquals("unhealthy", Json.at(body, "checks", "deadlock", "status"), live.body);
        String reason = String.valueOf(Json.at(body, "checks", "deadlock", "reason"));
        assertTrue(reason.contains("deadlock-a") && reason.contains("deadlock-b"), reason);
        assertEquals(503, Http.get(url, "/health").status);
        // attach on a deadlocked JVM still reports the agent (exit 0) and notes that /live fails
        AgentCli.Result again = AgentCli.run("attach", pid);
        assertEquals(0, again.exitCode, again.toString());
        assertEquals(url, again.line());
        assertTrue(again.stderr.stream().anyMatch(l -> l.contains("live answers 503")), again.toString());
    }

    @Test
    @Order(100)
    void theHostsStdoutHoldsOnlyItsOwnLines() {
        List<String> stdout = target.stdoutLines();
        assertEquals(Arrays.asList("sample-target started", "ok work", "ok deadlock monitor"), stdout);
        assertFalse(target.stderrLines().stream().anyMatch(l -> l.startsWith("\tat ") || l.contains("Exception")), target.toString());
    }

    private static List<String> ours(List<String> names) {
        return names.stream().filter(AgentLines::isAgentThread).collect(Collectors.toList());
    }

    static String lineFor(AgentCli.Result list, String pid) {
        return list.stdout.stream().filter(l -> l.startsWith(pid + " ")).findFirst()
                .orElseThrow(() -> new AssertionError("pid " + pid + " not listed: " + list));
    }

    static void assertNoStackTrace(AgentCli.Result r) {
        for (String line : r.stderr) {
            assertFalse(line.startsWith("\tat ") || line.contains("Exception in thread"), r.toString());
        }
    }
}
