package io.jvmhealth.agent.testing;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A recognized application stops serving while its JVM lives on: sends its host {@code stop}, then polls every 5 ms
 * (plus the probes' time), agent first, until the application no longer serves and the agent's {@code /ready} is
 * 503; {@code /live} and {@code /started} must stay 200 throughout. {@link #report} prints the {@code MEASURED} line.
 */
public final class StopWindow {
    /** When 'stop' was sent, the application was first seen not serving, and {@code /ready} first answered 503 (nanoTime). */
    public final long sentNanos;
    public final long appStoppedNanos;
    public final long agentStoppedNanos;

    private StopWindow(long sentNanos, long appStoppedNanos, long agentStoppedNanos) {
        this.sentNanos = sentNanos;
        this.appStoppedNanos = appStoppedNanos;
        this.agentStoppedNanos = agentStoppedNanos;
    }

    public static StopWindow stop(TargetJvm host, String url, BooleanSupplier serving, Duration timeout) throws IOException {
        assertEquals(200, Http.get(url, "/ready").status, "/ready before the stop");
        host.send("stop");
        long sent = System.nanoTime();
        long deadline = sent + timeout.toNanos();
        long app = 0;
        long agent = 0;
        while (System.nanoTime() < deadline && (app == 0 || agent == 0)) {
            int ready = Http.get(url, "/ready").status;
            boolean servingNow = serving.getAsBoolean();
            long now = System.nanoTime();
            if (ready == 503 && agent == 0) {
                agent = now;
            }
            if (!servingNow && app == 0) {
                app = now;
            }
            LockSupport.parkNanos(5_000_000);
        }
        assertTrue(app != 0 && agent != 0, "application stopped (" + (app != 0) + ") and /ready 503 (" + (agent != 0) + ") within "
                + timeout.getSeconds() + " s of 'stop': " + host);
        assertTrue(host.process().isAlive(), "the JVM lives on after stop: " + host);
        assertEquals(200, Http.get(url, "/live").status, "/live after the application stopped");
        assertEquals(200, Http.get(url, "/started").status, "/started stays 200");
        return new StopWindow(sent, app, agent);
    }

    /** /ready 503 minus the application's stop, in ms (negative: the agent said it first). */
    public long windowMillis() {
        return (agentStoppedNanos - appStoppedNanos) / 1_000_000;
    }

    /** Prints the figures and asserts that /ready was 503 at most {@code limitMillis} after the application stopped serving. */
    public void report(String label, String note, long limitMillis) {
        System.err.println("MEASURED " + label + " stop: /ready 503 " + windowMillis() + " ms after the application stopped answering ("
                + (agentStoppedNanos - sentNanos) / 1_000_000 + " ms after 'stop' was sent; the application stopped answering "
                + (appStoppedNanos - sentNanos) / 1_000_000 + " ms after it)" + note);
        assertTrue(windowMillis() <= limitMillis, label + ": /ready 503 " + windowMillis() + " ms after the application stopped serving");
    }
}
