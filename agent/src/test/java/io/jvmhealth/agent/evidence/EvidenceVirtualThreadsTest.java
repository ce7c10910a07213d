package io.jvmhealth.agent.evidence;

import io.jvmhealth.agent.health.CheckResult;
import io.jvmhealth.agent.health.Status;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which virtual threads the evidence shows first: those the deadlock check names as deadlocked. */
class EvidenceVirtualThreadsTest {
    private static Map<String, Object> thread(String name, long id, Boolean virtual) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("name", name);
        t.put("id", id);
        if (virtual != null) {
            t.put("virtual", virtual);
        }
        return t;
    }

    @Test
    void theDeadlockedVirtualThreadsAreTakenFromTheChecksDetails() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("threads", Arrays.asList(thread("deadlock-a", 3, null), thread("va", 31, true), thread("p", 4, false), thread("vb", 32, true)));
        CheckResult r = CheckResult.of(Status.UNHEALTHY, "4 threads deadlocked", details);
        assertEquals(Arrays.asList(31L, 32L), Arrays.asList(Evidence.virtualThreadIds(r).toArray()));
    }

    @Test
    void aResultWithoutThreadsNamesNone() {
        assertTrue(Evidence.virtualThreadIds(CheckResult.of(Status.UNHEALTHY, "stalled", null)).isEmpty());
    }
}
