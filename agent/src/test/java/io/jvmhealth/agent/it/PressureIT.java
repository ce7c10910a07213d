package io.jvmhealth.agent.it;

import io.jvmhealth.agent.testing.Http;
import io.jvmhealth.agent.testing.Json;
import io.jvmhealth.agent.testing.Poll;
import io.jvmhealth.agent.testing.TargetJvm;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** GC pause pressure and thread counts make the JVM degraded — still ready — and recover. */
class PressureIT {

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.jvmhealth.agent.it.Java#both")
    void reportsGcDegradedUnderAllocationChurnWhileStayingReady(Java java) throws Exception {
        try (TargetJvm target = TargetJvm.builder().java(java.launcher()).jvmArgs("-Xmx256m", "-XX:+UseParallelGC")
                .agent("port=0,interval=300ms,gc.window=5s,gc.degraded=0.02,gc.unhealthy=1.0,disable=heap").start()) {
            String url = target.agentUrl(Duration.ofSeconds(20));
            Map<String, Object> calm = Poll.until("a first evaluation", Duration.ofSeconds(15),
                    () -> Http.get(url, "/health").json(), b -> Json.at(b, "checks", "gc", "status") != null);
            assertEquals("healthy", Json.at(calm, "checks", "gc", "status"), calm.toString());

            target.run("churn 2", Duration.ofSeconds(15));
            Map<String, Object> body = Poll.until("gc degraded", Duration.ofSeconds(30),
                    () -> Http.get(url, "/health").json(), b -> "degraded".equals(Json.at(b, "checks", "gc", "status")));
            double fraction = ((Number) Json.at(body, "checks", "gc", "details", "pauseFraction")).doubleValue();
            assertTrue(fraction >= 0.02 && fraction <= 1.0, body.toString());
            assertTrue(((String) Json.at(body, "checks", "gc", "reason")).startsWith("GC pauses took "), body.toString());
            assertEquals(200, Http.get(url, "/ready").status, "degraded is still ready");
            assertEquals(200, Http.get(url, "/live").status);

            target.run("churn-stop", Duration.ofSeconds(15));
            Poll.until("gc healthy once the pauses slide out of the 5 s window", Duration.ofSeconds(30),
                    () -> Http.get(url, "/health").json(), b -> "healthy".equals(Json.at(b, "checks", "gc", "status")));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.jvmhealth.agent.it.Java#both")
    void reportsThreadsDegradedAboveTheLimitAndUnhealthyAboveTheOther(Java java) throws Exception {
        try (TargetJvm target = TargetJvm.builder().java(java.launcher())
                .agent("port=0,interval=300ms,threads.degraded=60,threads.unhealthy=150").start()) {
            String url = target.agentUrl(Duration.ofSeconds(20));
            Poll.until("threads healthy", Duration.ofSeconds(15), () -> Http.get(url, "/health").json(),
                    b -> "healthy".equals(Json.at(b, "checks", "threads", "status")));

            target.run("threads 80", Duration.ofSeconds(15));
            Map<String, Object> degraded = Poll.until("threads degraded", Duration.ofSeconds(15),
                    () -> Http.get(url, "/health").json(), b -> "degraded".equals(Json.at(b, "checks", "threads", "status")));
            long live = ((Number) Json.at(degraded, "checks", "threads", "details", "live")).longValue();
            assertTrue(live >= 80 && live < 150, degraded.toString());
            assertTrue(((String) Json.at(degraded, "checks", "threads", "reason")).contains("(degraded at 60)"), degraded.toString());
            assertEquals(200, Http.get(url, "/ready").status);

            target.run("threads 100", Duration.ofSeconds(15)); // 180 spawned in all
            Poll.until("/ready 503 above the unhealthy limit", Duration.ofSeconds(15), () -> Http.get(url, "/ready"), r -> r.status == 503);
            assertEquals(200, Http.get(url, "/live").status);

            target.run("threads-stop", Duration.ofSeconds(15));
            Map<String, Object> healthy = Poll.until("threads healthy again", Duration.ofSeconds(15),
                    () -> Http.get(url, "/health").json(), b -> "healthy".equals(Json.at(b, "checks", "threads", "status")));
            assertTrue(((Number) Json.at(healthy, "checks", "threads", "details", "peak")).longValue() >= 180, healthy.toString());
        }
    }
}
