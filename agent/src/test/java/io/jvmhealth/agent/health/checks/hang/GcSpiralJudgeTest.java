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
 * JDK 25.0.3 (-Xms256m -Xmx256m, 2 worker threads, 90 s; gc-*.tsv: t, pause%, ..., afterMajor%, majors).
 */
class GcSpiralJudgeTest {
    private static final long S = TimeUnit.SECONDS.toNanos(1);
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    private static GcSpiralJudge judge() {
        return new GcSpiralJudge(60 * S, 0.70, 0.70, 5 * S); // the proposed defaults
    }

    /** Replays a recording; returns the second of the first UNHEALTHY verdict, or -1; asserts no UNHEALTHY before 60 s. */
    private static long replay(String resource) throws IOException {
        return replay(resource, judge());
    }

    private static long replay(String resource, GcSpiralJudge judge) throws IOException {
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
    void recordedSpiralsOnG1ParallelSerialAndShenandoahAreUnhealthyAfterOneWindow() throws IOException {
        for (String run : new String[] {"G1-spiral-0.90", "G1-spiral-0.80", "Parallel-spiral-0.90", "Serial-spiral-0.90", "Shenandoah-spiral-0.90"}) {
            long at = replay("gc-jdk25-" + run + ".tsv");
            assertTrue(at >= 60 && at <= 62, run + ": unhealthy at " + at + " s");
        }
    }

    @Test
    void recordedAllocationHeavyRunsAreNeverUnhealthy() throws IOException {
        for (String run : new String[] {"G1-alloc-0", "Parallel-alloc-0", "Serial-alloc-0", "Shenandoah-alloc-0", "Z-alloc-0"}) {
            assertEquals(-1, replay("gc-jdk25-" + run + ".tsv"), run);
        }
    }

    @Test
    void zgcStallsOrThrowsInsteadOfPausingAndIsNotSeen() throws IOException {
        // 75 s with live data at 80 % of the heap: 0.1-0.2 % in pauses, 545-570 major cycles a minute, 93 % after them,
        // 13 % of the healthy run's work; at 90 % the JVM threw OutOfMemoryError within seconds
        assertEquals(-1, replay("gc-jdk25-Z-spiral-0.80.tsv"), "ZGC's spiral is allocation stalls, not pauses");
    }

    @Test
    void withTheCycleRuleZgcsRecordedSpiralIsUnhealthyAfterOneWindowAndItsHealthyRunNever() throws IOException {
        // the check's ZGC rule (gc-spiral.cycles=4, gc-spiral.cycles.occupancy=0.90): 4-13 major cycles a second,
        // 87-98 % after them (91.8 % on average) against 0-5 a second and 4-47 % in the healthy run
        long at = replay("gc-jdk25-Z-spiral-0.80.tsv", judge().cycles(4, 0.90));
        assertTrue(at >= 60 && at <= 62, "unhealthy at " + at + " s");
        assertEquals(-1, replay("gc-jdk25-Z-alloc-0.tsv", judge().cycles(4, 0.90)));
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
            judge.sample(t * S, t * 900 * MS, t, 0.60);
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
        GcSpiralJudge judge = judge();
        for (long t = 0; t < 10_000; t++) {
            judge.sample(t * 100 * MS, t * 95 * MS, t, 0.97); // ten samples a second: 256 kept = 25.6 s
        }
        assertEquals(-1.0, judge.pauseFraction(60 * S), "the window is longer than the samples kept");
        assertEquals(Verdict.OK, judge.verdict(10_000 * 100 * MS));
    }
}
