package io.jvmhealth.agent.health.checks.hang;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Driven by figures recorded with scripts/hangs/pool-figures.sh (JDK 17; Tomcat 10.1.49 embedded with and without its
 * MBean registry, Jetty 12.1.13 with MBeans and a StatisticsHandler and without either, Undertow 2.3.27 with and
 * without jboss-threads statistics): 8 clients of 100 ms requests keep every request thread busy while completing,
 * then 4 requests block forever. A second a sample; hang.after scaled down to 5 s.
 */
class RequestPoolJudgeTest {
    private static final long S = TimeUnit.SECONDS.toNanos(1);

    private static RequestPoolJudge judge() {
        return new RequestPoolJudge(5 * S, 2 * S, 3 * S);
    }

    private static List<long[]> recorded(String server) throws IOException {
        List<long[]> rows = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                RequestPoolJudgeTest.class.getResourceAsStream("pool-" + server + ".tsv"), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                if (!line.startsWith("#")) {
                    String[] f = line.split("\t");
                    rows.add(new long[] {Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3])});
                }
            }
        }
        return rows;
    }

    /** Replays a recording; returns the second at which the judge first said hung, or -1. */
    private static long replay(String server) throws IOException {
        RequestPoolJudge judge = judge();
        long hungAt = -1;
        long lastCount = -1;
        long stalledFrom = -1;
        boolean sawBusyAndCompleting = false;
        for (long[] r : recorded(server)) {
            long now = r[0] * S;
            judge.sample(now, (int) r[1], (int) r[2], r[3]);
            boolean saturated = r[1] >= r[2] && r[2] > 0;
            if (saturated && r[3] != lastCount && lastCount >= 0) {
                sawBusyAndCompleting = true;
                assertFalse(judge.hung(now), server + " busy but completing at " + r[0]);
                assertEquals(Verdict.DEGRADED, judge.verdict(now), server + " at " + r[0]);
            }
            if (r[3] == lastCount && saturated) {
                stalledFrom = stalledFrom < 0 ? r[0] - 1 : stalledFrom;
            } else {
                stalledFrom = -1;
            }
            if (judge.hung(now) && hungAt < 0) {
                hungAt = r[0];
                assertEquals(5, r[0] - stalledFrom, server + ": hung 5 s after the last completion");
                assertEquals(Verdict.UNHEALTHY, judge.verdict(now));
                assertTrue(judge.reason(now).startsWith("all " + r[2] + " request threads busy and no request completed for 5s (hung after 5s)"),
                        judge.reason(now));
            }
            lastCount = r[3];
        }
        if (hungAt > 0) {
            assertTrue(sawBusyAndCompleting, server + ": the recording has a busy and completing phase first");
        }
        return hungAt;
    }

    @Test
    void embeddedTomcatWithItsMBeansIsHungFiveSecondsAfterItsRequestCountStops() throws IOException {
        assertTrue(replay("tomcat-mbeans") > 0);
    }

    @Test
    void embeddedTomcatWithoutMBeansTheSameFromItsExecutorReachedByReflection() throws IOException {
        assertTrue(replay("tomcat-nombeans") > 0);
    }

    @Test
    void jettyWithAStatisticsHandlerTheSame() throws IOException {
        assertTrue(replay("jetty-mbeans-stats") > 0);
    }

    @Test
    void undertowWithJbossThreadsStatisticsTheSame() throws IOException {
        assertTrue(replay("undertow-eqestats") > 0);
    }

    @Test
    void withoutACompletionCountJettyAndUndertowAreNeverJudgedHung() throws IOException {
        assertEquals(-1, replay("jetty-nombeans"));
        assertEquals(-1, replay("undertow"));
    }

    @Test
    void busyButCompletingForAnHourIsNeverHung() {
        RequestPoolJudge judge = judge();
        for (long t = 0; t < 3600; t++) {
            judge.sample(t * S, 200, 200, t / 2); // one request completing every 2 s
            assertFalse(judge.hung(t * S));
            assertEquals(Verdict.DEGRADED, judge.verdict(t * S));
        }
    }

    @Test
    void aFreeThreadACounterResetOrAGapStartsAfresh() {
        RequestPoolJudge judge = judge();
        for (long t = 0; t <= 4; t++) {
            judge.sample(t * S, 4, 4, 7);
        }
        judge.sample(5 * S, 3, 4, 7);
        judge.sample(6 * S, 4, 4, 7);
        judge.sample(10 * S, 4, 4, 7);
        assertFalse(judge.hung(10 * S), "stalled 4 s since the free thread");
        judge.sample(11 * S, 4, 4, 0); // counters reset (connector restarted)
        for (long t = 12; t <= 15; t++) {
            judge.sample(t * S, 4, 4, 0);
        }
        assertFalse(judge.hung(15 * S));
        judge.sample(16 * S, 4, 4, 0);
        assertTrue(judge.hung(16 * S));
        judge.sample(30 * S, 4, 4, 0); // 14 s without a sample
        assertFalse(judge.hung(30 * S));
        assertEquals(0L, judge.details(30 * S).get("stalledSeconds"));
    }

    @Test
    void aStaleSampleSaysNothing() {
        RequestPoolJudge judge = judge();
        for (long t = 0; t <= 10; t++) {
            judge.sample(t * S, 4, 4, 1);
        }
        assertTrue(judge.hung(10 * S));
        assertFalse(judge.hung(20 * S), "no sample for 10 s: not known");
        assertEquals(Verdict.OK, judge.verdict(20 * S));
    }
}
