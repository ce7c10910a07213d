package io.jvmhealth.agent.it;

import io.jvmhealth.agent.testing.Http;
import io.jvmhealth.agent.testing.Json;
import io.jvmhealth.agent.testing.Poll;
import io.jvmhealth.agent.testing.TargetJvm;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Deadlocked threads fail liveness within two intervals, and the answer names them. */
class DeadlockIT {
    private static final long INTERVAL_MS = 1000;

    static Stream<Arguments> variants() {
        List<Arguments> list = new ArrayList<>();
        for (Java java : Java.values()) {
            list.add(Arguments.of(java, "monitor"));
            list.add(Arguments.of(java, "lock"));
        }
        return list.stream();
    }

    @ParameterizedTest(name = "{0}, {1} deadlock")
    @MethodSource("variants")
    void reportsUnhealthyLivenessWhenTwoThreadsDeadlock(Java java, String variant) throws Exception {
        try (TargetJvm target = TargetJvm.builder().java(java.launcher())
                .agent("port=0,interval=" + INTERVAL_MS + "ms").commands("work").start()) {
            String url = target.agentUrl(Duration.ofSeconds(20));
            Poll.until("/started 200", Duration.ofSeconds(10), () -> Http.get(url, "/started"), r -> r.status == 200);
            assertEquals(200, Http.get(url, "/live").status);

            target.run("deadlock " + variant, Duration.ofSeconds(15));
            long deadlocked = System.nanoTime();
            Http.Response live = Poll.until("/live 503", Duration.ofSeconds(15), () -> Http.get(url, "/live"), r -> r.status == 503);
            long millis = (System.nanoTime() - deadlocked) / 1_000_000;
            // two intervals, plus slack for a loaded 2-core machine (polling, HTTP, scheduling)
            assertTrue(millis <= 2 * INTERVAL_MS + 1000, "/live turned 503 after " + millis + " ms");

            Map<String, Object> body = live.json();
            assertEquals("unhealthy", body.get("status"));
            assertEquals("unhealthy", Json.at(body, "checks", "deadlock", "status"));
            String reason = (String) Json.at(body, "checks", "deadlock", "reason");
            assertTrue(reason.contains("\"deadlock-a\"") && reason.contains("\"deadlock-b\""), reason);
            List<?> threads = (List<?>) Json.at(body, "checks", "deadlock", "details", "threads");
            Set<String> names = new HashSet<>();
            for (Object t : threads) {
                Map<?, ?> thread = (Map<?, ?>) t;
                names.add((String) thread.get("name"));
                String waitingFor = (String) thread.get("waitingFor");
                assertTrue(variant.equals("lock") ? waitingFor.contains("ReentrantLock") : waitingFor.startsWith("java.lang.Object@"), thread.toString());
                assertTrue(((String) thread.get("heldBy")).startsWith("deadlock-"), thread.toString());
                assertEquals(variant.equals("lock") ? "WAITING" : "BLOCKED", thread.get("state"), thread.toString());
                assertTrue(!((List<?>) thread.get("stack")).isEmpty(), thread.toString());
            }
            assertEquals(new HashSet<>(Arrays.asList("deadlock-a", "deadlock-b")), names);

            assertEquals(503, Http.get(url, "/ready").status, "a deadlocked JVM is not ready either");
            assertEquals(503, Http.get(url, "/health").status);
            assertEquals(200, Http.get(url, "/started").status, "started stays 200");

            // why it changed: /health/history lists the start, then the deadlock and the paths it failed, in order
            List<?> transitions = (List<?>) Http.get(url, "/health/history").json().get("transitions");
            StringBuilder seen = new StringBuilder();
            for (Object o : transitions) {
                Map<?, ?> t = (Map<?, ?>) o;
                seen.append(t.get("check")).append(' ').append(t.get("from")).append("->").append(t.get("to")).append('\n');
            }
            String order = seen.toString();
            int started = order.indexOf("/started 503->200\n");
            int check = order.indexOf("deadlock healthy->unhealthy\n");
            int path = order.indexOf("/live 200->503\n");
            assertTrue(started >= 0 && check > started && path > check, order);
            for (Object o : transitions) {
                Map<?, ?> t = (Map<?, ?>) o;
                if ("deadlock".equals(t.get("check"))) {
                    assertTrue(String.valueOf(t.get("reason")).contains("\"deadlock-a\""), t.toString());
                }
            }
            assertTrue(target.stderrLines().stream().anyMatch(l -> l.contains("check 'deadlock' healthy -> unhealthy")),
                    "the state change is logged: " + target.stderrLines());
        }
    }
}
