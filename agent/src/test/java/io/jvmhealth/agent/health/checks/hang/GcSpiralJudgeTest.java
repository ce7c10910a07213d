package io.jvmhealth.agent.health.checks.hang;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The spiral judge on synthetic samples and on per-second figures recorded with scripts/hangs/GcFigures.java on
 * JDK 25.0.3 (256 MB heap, 2 worker threads; gc-*.tsv: t, pause%, ..., afterMajor%, majors).
 */
class GcSpiralJudgeTest {
    private static final long S = TimeUnit.SECONDS.toNanos(1);
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    private static GcSpiralJudge judge() {
        return new GcSpiralJudge(60 * S, 0.70, 0.90, 5 * S);
    }

    /** Replays a recording; returns the second of the first UNHEALTHY verdict, or -1; asserts no UNHEALTHY before 60 s. */
    private static long replay(String resource) throws IOException {
        GcSpiralJudge judge = judge();
        long paused = 0;
        long majors = 0;
        double after = -1;
        long unhealthyAt = -1;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(GcSpiralJudgeTest.class.getResourceAsStream(resource), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                String[] f = line.split("\t");
                if (f.length < 10 || !Character.isDigit(f[0].charAt(0))) {
                    continue;
                }
                long t = Long.parseLong(f[0]);
                paused += (long) (Double.parseDouble(f[1]) * 10 * MS); // pause% of about one second
                majors += Long.parseLong(f[9]);
                if (!f[8].equals("-")) {
                    after = Double.parseDouble(f[8]) / 100;
                }
                judge.sample(t * S, paused, majors, after);
                Verdict v = judge.verdict(t * S);
                if (t < 60) {
                    assertTrue(v != Verdict.UNHEALTHY, resource + ": no liveness verdict before a whole window, at " + t);
                }
                if (v == Verdict.UNHEALTHY && unhealthyAt < 0) {
                    unhealthyAt = t;
                }
            }
        }
        return unhealthyAt;
    }

    @Test
    void aSteadySpiralIsUnhealthyAfterAWholeWindowAndDegradedAtHalf() {
        GcSpiralJudge judge = judge();
        long paused = 0;
        for (long t = 0; t <= 60; t++) {
            judge.sample(t * S, paused, 2 * t, 0.97);
            paused += 950 * MS;
            Verdict v = judge.verdict(t * S);
            if (t < 30) {
                assertEquals(Verdict.OK, v, "at " + t);
            } else if (t < 60) {
                assertEquals(Verdict.DEGRADED, v, "at " + t);
            } else {
                assertEquals(Verdict.UNHEALTHY, v, "at " + t);
                assertTrue(judge.reason(t * S).startsWith("GC pauses took 95% of the last 60s with the old generation 97% full after 120 major collections"),
                        judge.reason(t * S));
            }
        }
    }

    @Test
    void heavyPausesWithAnOldGenerationThatEmptiesAreNoSpiral() {
        GcSpiralJudge judge = judge();
        for (long t = 0; t <= 120; t++) {
            judge.sample(t * S, t * 900 * MS, t, 0.40);
        }
        assertEquals(Verdict.OK, judge.verdict(120 * S));
    }

    @Test
    void aFullOldGenerationWithoutMajorCollectionsInTheWindowIsNoSpiral() {
        GcSpiralJudge judge = judge();
        for (long t = 0; t <= 120; t++) {
            judge.sample(t * S, t * 900 * MS, t < 10 ? t : 10, 0.95); // the last full GC long ago
        }
        assertEquals(Verdict.OK, judge.verdict(120 * S));
    }

    @Test
    void recoveringInTheLastQuarterEndsIt() {
        GcSpiralJudge judge = judge();
        long paused = 0;
        for (long t = 0; t <= 90; t++) {
            judge.sample(t * S, paused, 2 * t, 0.97);
            paused += (t < 75 ? 950 : 100) * MS;
        }
        assertEquals(Verdict.OK, judge.verdict(90 * S));
    }

    @Test
    void aGapOrAStaleSampleSaysNothing() {
        GcSpiralJudge judge = judge();
        for (long t = 0; t <= 60; t++) {
            judge.sample(t * S, t * 950 * MS, 2 * t, 0.97);
        }
        assertEquals(Verdict.UNHEALTHY, judge.verdict(60 * S));
        assertEquals(Verdict.OK, judge.verdict(70 * S), "no sample for 10 s");
        judge.sample(80 * S, 80 * 950 * MS, 160, 0.97);
        assertEquals(Verdict.OK, judge.verdict(80 * S), "a 20 s gap starts afresh");
    }

    @Test
    void theSamplesAreBounded() {
        GcSpiralJudge judge = new GcSpiralJudge(60 * S, 0.70, 0.90, 5 * S);
        for (long t = 0; t < 10_000; t++) {
            judge.sample(t * 100 * MS, t * 95 * MS, t, 0.97); // ten samples a second: 256 kept = 25.6 s
        }
        assertEquals(-1.0, judge.pauseFraction(60 * S), "the window is longer than the samples kept");
        assertEquals(Verdict.OK, judge.verdict(10_000 * 100 * MS));
    }
}
