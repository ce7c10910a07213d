package io.jvmhealth.hosts;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Commands on stdin for the hosts (one word per line), so that a test can make an application stop serving while
 * its JVM lives on. Before running a command, prints {@code <command> begins NANOS MILLIS} (System.nanoTime,
 * CLOCK_MONOTONIC on Linux, comparable with the test's; and the epoch milliseconds, comparable with the agent's
 * {@code /health/history}), after it {@code <command> done}. Returns at the end of stdin.
 */
public final class Stdin {
    /** A command; may throw. */
    public interface Command {
        void run() throws Exception;
    }

    private Stdin() {
    }

    public static void commands(Map<String, Command> commands) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            String word = line.trim();
            Command c = commands.get(word);
            if (c == null) {
                continue;
            }
            say(word + " begins " + System.nanoTime() + " " + System.currentTimeMillis());
            try {
                c.run();
                say(word + " done");
            } catch (Exception e) {
                say(word + " failed: " + e);
            }
        }
    }

    /** Runs {@link #commands} on a daemon thread (for hosts whose main thread is busy). */
    public static void commandsInBackground(Map<String, Command> commands) {
        Thread t = new Thread(() -> {
            try {
                commands(commands);
            } catch (IOException ignored) {
                // no more commands
            }
        }, "host-stdin");
        t.setDaemon(true);
        t.start();
    }

    public static void say(String line) {
        synchronized (System.out) {
            System.out.println(line);
            System.out.flush();
        }
    }
}
