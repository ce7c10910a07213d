package io.jvmhealth.agent.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a child process's output stream line by line on a daemon thread, so the child never
 * blocks on a full pipe, and keeps the lines. The one place tests collect a process's output:
 * {@link #linesAfterEnd} waits for the pump itself to reach the end of the stream, not only for
 * the process to exit, so no line still in the pipe is missed.
 */
public final class OutputPump {
    private final List<String> lines = new ArrayList<>();
    private final Thread thread;

    private OutputPump(InputStream in, String name) {
        thread = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (lines) {
                        lines.add(line);
                    }
                }
            } catch (IOException ignored) {
                // the stream was closed: the process ended
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Starts pumping {@code in} on a daemon thread named {@code name}. */
    public static OutputPump start(InputStream in, String name) {
        return new OutputPump(in, name);
    }

    /** The lines read so far (a copy). */
    public List<String> lines() {
        synchronized (lines) {
            return new ArrayList<>(lines);
        }
    }

    /** Waits until the stream has ended (every line read); false when it has not within {@code timeout}. */
    public boolean awaitEnd(Duration timeout) throws InterruptedException {
        thread.join(Math.max(1, timeout.toMillis()));
        return !thread.isAlive();
    }

    /** Every line, once the stream has ended; fails when it does not end within {@code timeout}. */
    public List<String> linesAfterEnd(Duration timeout) {
        try {
            if (!awaitEnd(timeout)) {
                throw new AssertionError(thread.getName() + ": the stream did not end within " + timeout.toMillis() + " ms");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(thread.getName() + ": interrupted");
        }
        return lines();
    }
}
