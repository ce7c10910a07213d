package io.jvmhealth.agent.health.checks;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PauseWindowTest {
    private static final long S = 1_000_000_000L;
    private static final long MS = 1_000_000L;
    private static final long START = 5 * S; // any origin: nanoTime values are arbitrary

    @Test
    void dividesByTimeObservedUntilTheWindowIsFull() {
        PauseWindow w = new PauseWindow(60 * S, 60, START);
        w.record(START + 1 * S, 100 * MS);
        assertEquals(0.10, w.fraction(START + 1 * S), 1e-9, "100 ms paused in 1 s observed");
        assertEquals(0.05, w.fraction(START + 2 * S), 1e-9, "100 ms paused in 2 s observed");
        assertEquals(0.005, w.fraction(START + 20 * S), 1e-9, "100 ms paused in 20 s observed");
    }

    @Test
    void dividesByTheWindowOnceItIsFull() {
        PauseWindow w = new PauseWindow(10 * S, 10, START);
        for (int i = 0; i < 100; i++) {
            w.record(START + i * S, 500 * MS); // half of every second paused
        }
        assertEquals(0.5, w.fraction(START + 99 * S + S / 2), 1e-9);
        assertEquals(10 * S, w.observedNanos(START + 99 * S));
    }

    @Test
    void pausesSlideOutOfTheWindow() {
        PauseWindow w = new PauseWindow(10 * S, 10, START);
        w.record(START + 1 * S, 2 * S);
        assertEquals(2 * S, w.pausedNanos(START + 10 * S));
        assertEquals(0, w.pausedNanos(START + 11 * S), "after a full window the pause no longer counts");
        assertEquals(0.0, w.fraction(START + 30 * S));
    }

    @Test
    void aReusedBucketForgetsItsOldSum() {
        PauseWindow w = new PauseWindow(10 * S, 10, START);
        w.record(START + 3 * S, 1 * S);
        w.record(START + 13 * S, 10 * MS); // same slot, ten seconds later
        assertEquals(10 * MS, w.pausedNanos(START + 13 * S));
    }

    @Test
    void neverExceedsOneAndIgnoresNonsense() {
        PauseWindow w = new PauseWindow(10 * S, 10, START);
        w.record(START + S / 2, 5 * S); // a pause longer than the time observed
        assertEquals(1.0, w.fraction(START + S / 2));
        w.record(START - S, 1 * S);
        w.record(START + 2 * S, -5);
        assertEquals(5 * S, w.pausedNanos(START + 2 * S));
        assertEquals(0.0, new PauseWindow(10 * S, 10, START).fraction(START));
    }
}
