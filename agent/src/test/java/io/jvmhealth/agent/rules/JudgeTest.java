package io.jvmhealth.agent.rules;

import io.jvmhealth.agent.health.CheckResult;
import io.jvmhealth.agent.health.Role;
import io.jvmhealth.agent.health.Status;
import org.junit.jupiter.api.Test;

import javax.management.ObjectName;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class JudgeTest {
    private static final long S = 1_000_000_000L;

    private static Judge judge(String degraded, String unhealthy, long forMillis, Status missing) throws Exception {
        return new Judge(new Rule("r", Role.READINESS, missing, new Rule.Part(new ObjectName("d:type=T,*"), "A", null,
                degraded == null ? null : Condition.parse(degraded), unhealthy == null ? null : Condition.parse(unhealthy), forMillis)));
    }

    private static List<List<Reading>> reads(Reading... r) {
        return Collections.singletonList(Arrays.asList(r));
    }

    @Test
    void theWorstMatchDecidesAndIsNamed() throws Exception {
        Judge j = judge("> 5", "> 10", 0, Status.HEALTHY);
        CheckResult r = j.judge(reads(Reading.value("d:n=1,type=T", 3), Reading.value("d:n=2,type=T", 12), Reading.value("d:n=3,type=T", 7)), 0, false);
        assertEquals(Status.UNHEALTHY, r.status());
        assertEquals("A of d:n=2,type=T is 12 (unhealthy when > 10)", r.reason());
        assertEquals("d:n=2,type=T", r.details().get("mbean"));
        assertEquals(12, r.details().get("value"));
        assertEquals(3, r.details().get("matched"));
        r = j.judge(reads(Reading.value("d:n=1,type=T", 3), Reading.value("d:n=3,type=T", 7)), 0, false);
        assertEquals(Status.DEGRADED, r.status());
        assertEquals("A of d:n=3,type=T is 7 (degraded when > 5)", r.reason());
        r = j.judge(reads(Reading.value("d:n=1,type=T", 3)), 0, false);
        assertEquals(Status.HEALTHY, r.status());
        assertNull(r.reason());
        assertEquals("d:n=1,type=T", r.details().get("mbean"));
    }

    @Test
    void missingAppliesWhenNothingMatches() throws Exception {
        CheckResult r = judge("> 5", null, 0, Status.UNHEALTHY).judge(reads(), 0, false);
        assertEquals(Status.UNHEALTHY, r.status());
        assertEquals("no MBean matches d:type=T,* (unhealthy when none does)", r.reason());
        assertEquals(0, r.details().get("matched"));
        assertEquals(Status.HEALTHY, judge("> 5", null, 0, Status.HEALTHY).judge(reads(), 0, false).status());
    }

    @Test
    void forDelaysTheStatusPerMatchAndResetsWhenTheConditionStops() throws Exception {
        Judge j = judge("> 5", "> 10", 30_000, Status.HEALTHY);
        String a = "d:n=a,type=T";
        String b = "d:n=b,type=T";
        CheckResult r = j.judge(reads(Reading.value(a, 20), Reading.value(b, 1)), 100 * S, false);
        assertEquals(Status.HEALTHY, r.status());
        assertEquals("unhealthy if > 10 still holds in 30s", r.details().get("pending"));
        r = j.judge(reads(Reading.value(a, 20), Reading.value(b, 7)), 120 * S, false);
        assertEquals(Status.HEALTHY, r.status(), "held 20 s of 30");
        r = j.judge(reads(Reading.value(a, 20), Reading.value(b, 7)), 130 * S, false);
        assertEquals(Status.UNHEALTHY, r.status());
        assertEquals("A of d:n=a,type=T is 20 (unhealthy when > 10 for 30s: held 30s)", r.reason());
        r = j.judge(reads(Reading.value(a, 1), Reading.value(b, 7)), 140 * S, false);
        assertEquals(Status.HEALTHY, r.status(), "b's degraded condition holds since 120 s: 20 s of 30");
        r = j.judge(reads(Reading.value(a, 1), Reading.value(b, 7)), 150 * S, false);
        assertEquals(Status.DEGRADED, r.status());
        assertEquals("A of d:n=b,type=T is 7 (degraded when > 5 for 30s: held 30s)", r.reason());
        r = j.judge(reads(Reading.value(a, 20), Reading.value(b, 1)), 160 * S, false);
        assertEquals(Status.HEALTHY, r.status(), "a held again only since now");
        r = j.judge(reads(Reading.value(a, 20)), 185 * S, false);
        assertEquals(Status.HEALTHY, r.status());
        r = j.judge(reads(Reading.value(a, 20)), 190 * S, false);
        assertEquals(Status.UNHEALTHY, r.status());
    }

    @Test
    void degradedAppliesWhileTheUnhealthyConditionHasNotHeldLongEnough() throws Exception {
        Judge j = new Judge(new Rule("r", Role.READINESS, Status.HEALTHY,
                new Rule.Part(new ObjectName("d:type=T"), "A", null, Condition.parse("> 5"), null, 0),
                new Rule.Part(new ObjectName("d:type=T"), "A", null, null, Condition.parse("> 10"), 60_000)));
        CheckResult r = j.judge(Arrays.asList(Arrays.asList(Reading.value("d:type=T", 11)), Arrays.asList(Reading.value("d:type=T", 11))), S, false);
        assertEquals(Status.DEGRADED, r.status());
        assertEquals(2, r.details().get("matched"));
        r = j.judge(Arrays.asList(Arrays.asList(Reading.value("d:type=T", 11)), Arrays.asList(Reading.value("d:type=T", 11))), 61 * S, false);
        assertEquals(Status.UNHEALTHY, r.status());
    }

    @Test
    void failedReadsDivisionByZeroTextAndNonNumbers() throws Exception {
        Judge j = judge(null, ">= 0.9", 0, Status.HEALTHY);
        CheckResult r = j.judge(reads(Reading.failed("d:type=T", "reading A of d:type=T failed: java.lang.IllegalStateException: no")), 0, false);
        assertEquals(Status.UNHEALTHY, r.status());
        assertEquals("reading A of d:type=T failed: java.lang.IllegalStateException: no", r.reason());
        r = j.judge(reads(Reading.divideByZero("d:type=T")), 0, false);
        assertEquals(Status.HEALTHY, r.status());
        assertEquals(1, r.details().get("matched"));
        r = j.judge(reads(Reading.value("d:type=T", "lots")), 0, false);
        assertEquals(Status.UNHEALTHY, r.status());
        assertEquals("A of d:type=T is 'lots', not a number (rule: unhealthy when >= 0.9)", r.reason());
        r = j.judge(reads(Reading.value("d:type=T", null)), 0, false);
        assertEquals(Status.HEALTHY, r.status(), "null: the condition does not hold");
        r = j.judge(reads(Reading.value("d:type=T", 0.91666666)), 0, false);
        assertEquals("A of d:type=T is 0.9167 (unhealthy when >= 0.9)", r.reason());
        assertEquals(0.9167, r.details().get("value"));

        CheckResult text = judge(null, "!= RUNNING", 0, Status.HEALTHY).judge(reads(Reading.value("d:type=T", "STARTING")), 0, false);
        assertEquals("A of d:type=T is 'STARTING' (unhealthy when != RUNNING)", text.reason());
    }

    @Test
    void durations() {
        assertEquals("500ms", Judge.duration(500));
        assertEquals("1.5s", Judge.duration(1500));
        assertEquals("2s", Judge.duration(2000));
        assertEquals("45s", Judge.duration(45_400));
        assertEquals("2m", Judge.duration(120_000));
    }

    /** {@code unchanged}: a request counter that stops moving makes the rule unhealthy after the duration; any change resets it. */
    @Test
    void unchangedIsUnhealthyOnceTheValueStaysTheSameForTheDuration() throws Exception {
        Judge j = new Judge(new Rule("stuck", Role.LIVENESS, Status.HEALTHY, new Rule.Part(new ObjectName("d:type=T,*"), "requestCount",
                null, null, null, 0, 60_000)));
        String m = "d:n=1,type=T";
        assertEquals(Status.HEALTHY, j.judge(reads(Reading.value(m, 10)), 0, false).status());
        CheckResult r = j.judge(reads(Reading.value(m, 10)), 30 * S, false);
        assertEquals(Status.HEALTHY, r.status());
        assertEquals("unhealthy if requestCount stays 10 for another 30s", r.details().get("pending"));
        assertEquals(Status.HEALTHY, j.judge(reads(Reading.value(m, 11)), 59 * S, false).status(), "it moved: the clock starts again");
        assertEquals(Status.HEALTHY, j.judge(reads(Reading.value(m, 11)), 118 * S, false).status());
        r = j.judge(reads(Reading.value(m, 11)), 119 * S, false);
        assertEquals(Status.UNHEALTHY, r.status());
        assertEquals("requestCount of d:n=1,type=T has not changed for 1m: it stays 11 (unhealthy when unchanged for 1m)", r.reason());
        assertEquals(Status.HEALTHY, j.judge(reads(Reading.value(m, 12)), 120 * S, false).status(), "a completed request ends it at once");
    }
}
