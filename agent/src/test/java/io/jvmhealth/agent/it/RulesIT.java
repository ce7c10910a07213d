package io.jvmhealth.agent.it;

import io.jvmhealth.agent.testing.Hosts;
import io.jvmhealth.agent.testing.Http;
import io.jvmhealth.agent.testing.Json;
import io.jvmhealth.agent.testing.OsThreads;
import io.jvmhealth.agent.testing.Poll;
import io.jvmhealth.agent.testing.TargetJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * JMX rules against a real host whose own MBeans (sample-target's {@code mbean} commands) change on
 * command: ratio, composite key, text, {@code for}, worst of several matches, {@code missing}, each
 * role, a blocking and a throwing getter, and bad rule files.
 */
class RulesIT {
    private static final Duration START = Duration.ofSeconds(20);
    private static final Duration CHANGE = Duration.ofSeconds(10);
    private static final String PROBE = "io.jvmhealth.sample:type=Probe";

    private static Path config(String... lines) throws IOException {
        Path file = Files.createTempFile("rules", ".properties");
        file.toFile().deleteOnExit();
        Files.write(file, String.join("\n", lines).getBytes(StandardCharsets.ISO_8859_1));
        return file;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> check(String url, String name) throws IOException {
        Map<String, Object> c = (Map<String, Object>) Json.at(Http.get(url, "/health").json(), "checks", name);
        return c == null ? Map.of() : c;
    }

    @Test
    void judgesRatioCompositeTextForWorstOfSeveralAndMissing() throws Exception {
        Path file = config(
                "rule.ratio.mbean=" + PROBE + ",name=a",
                "rule.ratio.attribute=Count",
                "rule.ratio.divide=Max",
                "rule.ratio.degraded=>= 0.5",
                "rule.ratio.unhealthy=>= 0.9",
                "rule.usage.mbean=" + PROBE + ",name=a",
                "rule.usage.attribute=Usage.used",
                "rule.usage.degraded=> 50",
                "rule.state.mbean=" + PROBE + ",*",
                "rule.state.attribute=State",
                "rule.state.unhealthy=!= RUNNING",
                "rule.sustained.mbean=" + PROBE + ",name=a",
                "rule.sustained.attribute=Count",
                "rule.sustained.degraded=> 5",
                "rule.sustained.for=2s",
                "rule.absent.mbean=" + PROBE + ",name=nowhere",
                "rule.absent.attribute=Count",
                "rule.absent.unhealthy=> 0",
                "rule.absent.missing=degraded");
        try (TargetJvm target = TargetJvm.builder().agent("port=0,interval=200ms,config=" + file)
                .commands("mbean", "a", "mbean", "b").start()) {
            String url = target.agentUrl(START);
            Map<String, Object> ratio = Poll.until("ratio judges MBean a", CHANGE, () -> check(url, "ratio"),
                    c -> Long.valueOf(1).equals(Json.at(c, "details", "matched")));
            assertEquals("healthy", ratio.get("status"), ratio.toString());
            assertEquals(0.0, Json.at(ratio, "details", "value"), ratio.toString());
            Poll.until("state judges a and b", CHANGE, () -> check(url, "state"), c -> Long.valueOf(2).equals(Json.at(c, "details", "matched")));
            assertEquals("io.jvmhealth.sample:name=a,type=Probe", Json.at(ratio, "details", "mbean"), "canonical name of the match: " + ratio);

            target.run("mbean-set a count 6", CHANGE); // 6 / 10
            ratio = Hosts.awaitCheck(url, "ratio", "degraded", CHANGE);
            assertEquals("Count/Max of io.jvmhealth.sample:name=a,type=Probe is 0.6 (degraded when >= 0.5)", ratio.get("reason"));
            long set = System.nanoTime();
            // Each rule reads on its own: wait until "sustained" has read the new value too.
            Map<String, Object> pending = Poll.until("sustained sees Count 6", CHANGE, () -> check(url, "sustained"),
                    c -> !"healthy".equals(c.get("status")) || Long.valueOf(6).equals(Json.at(c, "details", "value")));
            if ("healthy".equals(pending.get("status"))) {
                assertTrue(String.valueOf(Json.at(pending, "details", "pending")).startsWith("degraded if > 5 still holds in"), pending.toString());
            }
            Map<String, Object> sustained = Hosts.awaitCheck(url, "sustained", "degraded", CHANGE);
            assertTrue(System.nanoTime() - set >= Duration.ofMillis(1500).toNanos(), "for=2s held before degraded: " + sustained);
            assertTrue(String.valueOf(sustained.get("reason")).contains("(degraded when > 5 for 2s: held "), sustained.toString());
            target.run("mbean-set a count 9", CHANGE);
            assertEquals("unhealthy", Hosts.awaitCheck(url, "ratio", "unhealthy", CHANGE).get("status"));
            target.run("mbean-set a max 0", CHANGE);
            ratio = Hosts.awaitCheck(url, "ratio", "healthy", CHANGE);
            assertEquals("no value: Max is 0", Json.at(ratio, "details", "value"), "divide by 0 is said: " + ratio);

            target.run("mbean-set a used 51", CHANGE);
            Map<String, Object> usage = Hosts.awaitCheck(url, "usage", "degraded", CHANGE);
            assertEquals(51L, Json.at(usage, "details", "value"), usage.toString());

            Map<String, Object> state = check(url, "state");
            assertEquals("healthy", state.get("status"), state.toString());
            assertEquals(2L, Json.at(state, "details", "matched"), state.toString());
            target.run("mbean-set b state STOPPED", CHANGE);
            state = Hosts.awaitCheck(url, "state", "unhealthy", CHANGE);
            assertEquals("io.jvmhealth.sample:name=b,type=Probe", Json.at(state, "details", "mbean"), "the worst match decides: " + state);
            assertEquals("State of io.jvmhealth.sample:name=b,type=Probe is 'STOPPED' (unhealthy when != RUNNING)", state.get("reason"));
            assertEquals(2L, Json.at(state, "details", "matched"));
            target.run("mbean-set b state RUNNING", CHANGE);
            Hosts.awaitCheck(url, "state", "healthy", CHANGE);

            Map<String, Object> absent = check(url, "absent");
            assertEquals("degraded", absent.get("status"), absent.toString());
            assertEquals("no MBean matches io.jvmhealth.sample:name=nowhere,type=Probe (degraded when none does)", absent.get("reason"));
            assertEquals(200, Http.get(url, "/live").status);
            assertTrue(Http.get(url, "/health").json().get("checks") instanceof Map);
            assertTrue(!((Map<?, ?>) Http.get(url, "/health").json().get("checks")).containsKey("hikari"),
                    "a preset whose MBeans do not exist is not listed");
        }
    }

    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.MethodSource("io.jvmhealth.agent.it.Java#both")
    void eachRoleDecidesItsEndpoint(Java java) throws Exception {
        Path file = config(
                "rule.boot.mbean=" + PROBE + ",name=boot",
                "rule.boot.attribute=State",
                "rule.boot.unhealthy=!= RUNNING",
                "rule.boot.role=startup",
                "rule.serving.mbean=" + PROBE + ",name=a",
                "rule.serving.attribute=Count",
                "rule.serving.unhealthy=>= 50",
                "rule.alive.mbean=" + PROBE + ",name=a",
                "rule.alive.attribute=Count",
                "rule.alive.unhealthy=>= 100",
                "rule.alive.role=liveness");
        try (TargetJvm target = TargetJvm.builder().java(java.launcher()).agent("port=0,interval=200ms,config=" + file)
                .commands("mbean", "a").start()) {
            String url = target.agentUrl(START);
            Http.Response started = Poll.until("the first read of boot", CHANGE, () -> Http.get(url, "/started"),
                    r -> r.body.contains("no MBean matches"));
            assertEquals(503, started.status, "no MBean boot yet: the startup rule has not passed: " + started);
            assertTrue(started.body.contains("no MBean matches io.jvmhealth.sample:name=boot,type=Probe"), started.body);
            assertEquals(503, Http.get(url, "/ready").status);
            assertEquals(200, Http.get(url, "/live").status);

            target.run("mbean boot", CHANGE);
            Poll.until("/started 200 once boot is RUNNING", CHANGE, () -> Http.get(url, "/started"), r -> r.status == 200);
            Poll.until("/ready 200", CHANGE, () -> Http.get(url, "/ready"), r -> r.status == 200);
            target.run("mbean-set boot state STOPPED", CHANGE);
            assertEquals(200, Http.get(url, "/started").status, "a passed gate stays passed");

            target.run("mbean-set a count 50", CHANGE);
            Http.Response ready = Poll.until("/ready 503 for the readiness rule", CHANGE, () -> Http.get(url, "/ready"), r -> r.status == 503);
            assertTrue(ready.body.contains("Count of io.jvmhealth.sample:name=a,type=Probe is 50 (unhealthy when >= 50)"), ready.body);
            assertEquals(200, Http.get(url, "/live").status, "a readiness rule never fails /live");

            target.run("mbean-set a count 100", CHANGE);
            Http.Response live = Poll.until("/live 503 for the liveness rule", CHANGE, () -> Http.get(url, "/live"), r -> r.status == 503);
            assertTrue(live.body.contains("\"alive\"") && live.body.contains("is 100 (unhealthy when >= 100)"), live.body);
            target.run("mbean-set a count 0", CHANGE);
            Poll.until("/live 200 again", CHANGE, () -> Http.get(url, "/live"), r -> r.status == 200);
            Poll.until("/ready 200 again", CHANGE, () -> Http.get(url, "/ready"), r -> r.status == 200);
        }
    }

    @Test
    void aBlockingGetterFailsOnlyItsRuleWhileLivenessAndEveryOtherCheckGoOn() throws Exception {
        Path file = config(
                "rule.slow.mbean=" + PROBE + ",name=a",
                "rule.slow.attribute=Slow",
                "rule.slow.unhealthy=!= 1",
                "rule.fast.mbean=" + PROBE + ",name=a",
                "rule.fast.attribute=Count",
                "rule.fast.degraded=> 1000",
                "rule.flaky.mbean=" + PROBE + ",name=a",
                "rule.flaky.attribute=Flaky",
                "rule.flaky.unhealthy=!= 1");
        try (TargetJvm target = TargetJvm.builder().agent("port=0,interval=200ms,config=" + file)
                .commands("mbean", "a").start()) {
            String url = target.agentUrl(START);
            Hosts.awaitCheck(url, "slow", "healthy", CHANGE);
            target.run("mbean-block a", CHANGE);
            Map<String, Object> slow = Hosts.awaitCheck(url, "slow", "unhealthy", CHANGE);
            assertTrue(String.valueOf(slow.get("reason")).matches("reading Slow of io\\.jvmhealth\\.sample:name=a,type=Probe has not returned after .* \\(budget 1s\\): the getter blocks; it is not read again until it returns"),
                    slow.toString());

            long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            String lastTimestamp = null;
            long lastChange = System.nanoTime();
            int count = 0;
            long maxReaders = 0;
            while (System.nanoTime() < end) {
                Http.Response live = Http.get(url, "/live");
                assertEquals(200, live.status, "a blocked readiness rule never fails /live: " + live);
                Map<String, Object> health = Http.get(url, "/health").json();
                String ts = (String) health.get("timestamp");
                if (!ts.equals(lastTimestamp)) {
                    lastTimestamp = ts;
                    lastChange = System.nanoTime();
                }
                assertTrue(System.nanoTime() - lastChange < Duration.ofSeconds(3).toNanos(), "evaluations go on: timestamp " + ts);
                assertEquals("unhealthy", Json.at(health, "checks", "slow", "status"));
                // the other rules keep their cadence: a new value is seen while the getter is blocked
                count++;
                target.run("mbean-set a count " + (count * 100 + 1000), CHANGE);
                final long expected = count * 100 + 1000;
                Poll.until("fast sees count " + expected, Duration.ofSeconds(5), () -> check(url, "fast"),
                        c -> Long.valueOf(expected).equals(Json.at(c, "details", "value")));
                if (OsThreads.available()) {
                    maxReaders = Math.max(maxReaders, OsThreads.count(target.pid(), "jvm-health-jmx"));
                }
            }
            assertTrue(count >= 5, "the other rule was read again and again: " + count);
            assertTrue(maxReaders <= 2, "one blocked reader and one working, not one per evaluation: " + maxReaders);

            target.run("mbean-throw a on", CHANGE);
            Map<String, Object> flaky = Hosts.awaitCheck(url, "flaky", "unhealthy", CHANGE);
            assertTrue(String.valueOf(flaky.get("reason")).contains("failed: java.lang.IllegalStateException: flaky getter failed on purpose"), flaky.toString());
            assertEquals(200, Http.get(url, "/live").status);

            target.run("mbean-unblock a", CHANGE);
            Hosts.awaitCheck(url, "slow", "healthy", CHANGE);
        }
    }

    @Test
    void aBlockingGetterOfALivenessRuleFailsLive() throws Exception {
        Path file = config(
                "rule.slowlive.mbean=" + PROBE + ",name=a",
                "rule.slowlive.attribute=Slow",
                "rule.slowlive.unhealthy=!= 1",
                "rule.slowlive.role=liveness");
        try (TargetJvm target = TargetJvm.builder().agent("port=0,interval=200ms,rules.timeout=500ms,config=" + file)
                .commands("mbean", "a").start()) {
            String url = target.agentUrl(START);
            Hosts.awaitCheck(url, "slowlive", "healthy", CHANGE);
            assertEquals(200, Http.get(url, "/live").status);
            target.run("mbean-block a", CHANGE);
            Http.Response live = Poll.until("/live 503", CHANGE, () -> Http.get(url, "/live"), r -> r.status == 503);
            assertTrue(live.body.contains("(budget 500ms): the getter blocks"), live.body);
            target.run("mbean-unblock a", CHANGE);
            Poll.until("/live 200", CHANGE, () -> Http.get(url, "/live"), r -> r.status == 200);
        }
    }

    private static final String[] SCRIPT = {"print", "hello", "sleep", "1500", "exit", "3"};

    @Execution(ExecutionMode.CONCURRENT) // eight hosts side by side: each mostly sleeps its 1.5 s script
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "rule.x.mbean=a:b=c,rule.x.attribute=A,rule.x.degradd=> 5|'rule.x.degradd'",
            "rule.x.mbean=a:b=c,rule.x.attribute=A,rule.x.degraded=>> 5|'rule.x.degraded'",
            "rule.x.mbean=not an objectname,rule.x.attribute=A,rule.x.degraded=> 5|'rule.x.mbean'",
            "rule.x.mbean=a:b=c,rule.x.attribute=A,rule.x.degraded=> 5,rule.x.for=5 parsecs|'rule.x.for'",
            "rule.x.mbean=a:b=c,rule.x.attribute=A,rule.x.degraded=> 5,rule.x.role=sometimes|'rule.x.role'",
            "rule.x.mbean=a:b=c,rule.x.attribute=A|rule 'x'",
            "rule.heap.mbean=a:b=c,rule.heap.attribute=A,rule.heap.degraded=> 5|'rule.heap.attribute'",
            "rule.hikari.mbean=a:b=c,rule.hikari.attribute=A,rule.hikari.degraded=> 5|'rule.hikari.attribute'",
    })
    void aBadRuleFileLeavesTheHostUntouched(String lines, String expected) throws Exception {
        Path file = config(lines.split(","));
        TargetJvm.Exited reference = TargetJvm.withoutAgent(SCRIPT);
        try (TargetJvm withAgent = TargetJvm.builder().agent("port=0,config=" + file).commands(SCRIPT).start()) {
            assertEquals(reference.code(), withAgent.awaitExit(Duration.ofSeconds(30)), "exit code");
            assertEquals(reference.stdout(), withAgent.stdoutAfterExit(), "stdout");
            List<String> ours = withAgent.stderrLines().stream().filter(l -> l.startsWith("[jvm-health]")).collect(Collectors.toList());
            assertEquals(1, ours.size(), "one line: " + withAgent.stderrLines());
            assertTrue(ours.get(0).contains("agent not started") && ours.get(0).contains(expected)
                    && ours.get(0).contains("config file " + file), ours.get(0));
            List<String> rest = new ArrayList<>(withAgent.stderrLines());
            rest.removeAll(ours);
            assertEquals(List.of(), rest, "nothing else on stderr");
        }
    }
}
