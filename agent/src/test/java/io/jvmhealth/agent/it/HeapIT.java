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
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A leaking heap turns {@code heap} degraded, then unhealthy ({@code /ready} 503) while {@code /live}
 * stays 200 — under G1, Parallel and ZGC, on JDK 17 and JDK 25 (generational ZGC there).
 */
class HeapIT {

    static Stream<Arguments> collectors() {
        List<Arguments> list = new ArrayList<>();
        for (Java java : Java.values()) {
            for (String gc : new String[] {"G1", "Parallel", "Z"}) {
                list.add(Arguments.of(java, gc));
            }
        }
        return list.stream();
    }

    @ParameterizedTest(name = "{0}, -XX:+Use{1}GC")
    @MethodSource("collectors")
    void reportsHeapAfterGcDegradedThenUnhealthyAsTheHostLeaks(Java java, String gc) throws Exception {
        try (TargetJvm target = TargetJvm.builder().java(java.launcher())
                .jvmArgs("-Xmx256m", "-XX:+Use" + gc + "GC")
                .agent("port=0,interval=300ms,heap.degraded=0.3,heap.unhealthy=0.8,disable=gc")
                .commands("work").start()) {
            String url = target.agentUrl(Duration.ofSeconds(20));
            Map<String, Object> healthy = Poll.until("heap healthy", Duration.ofSeconds(15),
                    () -> Http.get(url, "/health").json(), b -> "healthy".equals(Json.at(b, "checks", "heap", "status")));
            assertTrue(((Number) Json.at(healthy, "checks", "heap", "details", "ratio")).doubleValue() < 0.3, healthy.toString());

            target.run("leak 0.45", Duration.ofSeconds(30));
            Map<String, Object> degraded = Poll.until("heap degraded", Duration.ofSeconds(30),
                    () -> Http.get(url, "/health").json(), b -> "degraded".equals(Json.at(b, "checks", "heap", "status")));
            String reason = (String) Json.at(degraded, "checks", "heap", "reason");
            assertTrue(reason.startsWith("heap after GC is ") && reason.endsWith("(degraded at 30%)"), reason);
            assertEquals(200, Http.get(url, "/ready").status, "degraded is still ready");
            assertEquals(200, Http.get(url, "/live").status);

            target.run("leak 0.9", Duration.ofSeconds(30));
            Http.Response ready = Poll.until("/ready 503", Duration.ofSeconds(30), () -> Http.get(url, "/ready"), r -> r.status == 503);
            Map<String, Object> body = ready.json();
            assertEquals("unhealthy", Json.at(body, "checks", "heap", "status"), body.toString());
            double ratio = ((Number) Json.at(body, "checks", "heap", "details", "ratio")).doubleValue();
            assertTrue(ratio >= 0.8 && ratio <= 1.0, body.toString());
            assertEquals(200, Http.get(url, "/live").status, "a full heap is not a reason to restart");
            assertEquals(503, Http.get(url, "/health").status);

            target.run("free", Duration.ofSeconds(30));
            Poll.until("/ready 200 again after the host frees its memory", Duration.ofSeconds(30),
                    () -> Http.get(url, "/ready"), r -> r.status == 200);
        }
    }
}
