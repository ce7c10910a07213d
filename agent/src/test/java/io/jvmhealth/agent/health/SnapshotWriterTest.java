package io.jvmhealth.agent.health;

import io.jvmhealth.agent.testing.Json;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class SnapshotWriterTest {

    @Test
    void writesBodiesThatAJsonParserReadsBackExactly() {
        Map<String, Object> details = new LinkedHashMap<>();
        String awkward = "quote \" backslash \\ newline \n tab \t bell \u0007 é 漢 \uD83D\uDE00 end";
        details.put("text", awkward);
        details.put("long", 977272832L);
        details.put("int", 42);
        details.put("ratio", 0.91);
        details.put("tiny", 1.0E-4);
        details.put("flag", true);
        details.put("nothing", null);
        details.put("list", Arrays.<Object>asList("a", 1L, Arrays.asList()));
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("empty", new LinkedHashMap<>());
        details.put("nested", nested);
        Map<String, CheckResult> checks = new LinkedHashMap<>();
        checks.put("heap", CheckResult.of(Status.DEGRADED, "heap after GC is 91% of max \"x\"", details));
        checks.put("deadlock", CheckResult.healthy(null));

        String json = new String(SnapshotWriter.body(Status.DEGRADED, "2026-11-24T10:30:00Z", null, checks, true),
                StandardCharsets.UTF_8);
        Map<String, Object> body = Json.parseObject(json);

        assertEquals("degraded", body.get("status"));
        assertEquals("2026-11-24T10:30:00Z", body.get("timestamp"));
        assertEquals("heap after GC is 91% of max \"x\"", Json.at(body, "checks", "heap", "reason"));
        assertEquals(awkward, Json.at(body, "checks", "heap", "details", "text"));
        assertEquals(977272832L, ((Number) Json.at(body, "checks", "heap", "details", "long")).longValue());
        assertEquals(42L, ((Number) Json.at(body, "checks", "heap", "details", "int")).longValue());
        assertEquals(0.91, ((Number) Json.at(body, "checks", "heap", "details", "ratio")).doubleValue());
        assertEquals(1.0E-4, ((Number) Json.at(body, "checks", "heap", "details", "tiny")).doubleValue());
        assertEquals(Boolean.TRUE, Json.at(body, "checks", "heap", "details", "flag"));
        assertNull(Json.at(body, "checks", "heap", "details", "nothing"));
        assertEquals(3, ((List<?>) Json.at(body, "checks", "heap", "details", "list")).size());
        assertEquals("healthy", Json.at(body, "checks", "deadlock", "status"));
        assertEquals(json, json.trim());
    }

    @Test
    void briefBodyCarriesTheStatusOnly() {
        Map<String, CheckResult> checks = new LinkedHashMap<>();
        checks.put("deadlock", CheckResult.healthy(null));
        assertEquals("{\"status\":\"healthy\"}",
                new String(SnapshotWriter.body(Status.HEALTHY, "t", null, checks, false), StandardCharsets.UTF_8));
    }

    @Test
    void nonFiniteNumbersBecomeNull() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("nan", Double.NaN);
        details.put("inf", Double.POSITIVE_INFINITY);
        Map<String, CheckResult> checks = new LinkedHashMap<>();
        checks.put("x", CheckResult.healthy(details));
        Map<String, Object> body = Json.parseObject(new String(
                SnapshotWriter.body(Status.HEALTHY, null, null, checks, true), StandardCharsets.UTF_8));
        assertNull(Json.at(body, "checks", "x", "details", "nan"));
        assertNull(Json.at(body, "checks", "x", "details", "inf"));
    }

    @Test
    void timestampMatchesInstantToStringToTheSecond() {
        Random random = new Random(5);
        long[] fixed = {0L, 999L, -1L, 951782400000L /* 2000-02-29 */, 1795949400000L, 253402300799000L /* 9999-12-31T23:59:59 */};
        for (long millis : fixed) {
            assertEquals(Instant.ofEpochSecond(Math.floorDiv(millis, 1000L)).toString(), JsonBytes.isoSeconds(millis), "at " + millis);
        }
        for (int i = 0; i < 100_000; i++) {
            long millis = (long) (random.nextDouble() * 253402300799000L);
            assertEquals(Instant.ofEpochSecond(millis / 1000).toString(), JsonBytes.isoSeconds(millis), "at " + millis);
        }
    }
}
