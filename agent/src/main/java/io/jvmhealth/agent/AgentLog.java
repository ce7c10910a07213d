package io.jvmhealth.agent;

import io.jvmhealth.agent.config.LogLevel;

/**
 * The agent's only output: single lines on stderr, prefixed {@code [jvm-health]}. Nothing is logged
 * per request; callers log starts, stops, failures and changes of state. Never writes to stdout.
 */
public final class AgentLog {
    private static volatile LogLevel level = LogLevel.INFO;

    private AgentLog() {
    }

    public static void setLevel(LogLevel newLevel) {
        level = newLevel;
    }

    public static void info(String message) {
        if (level == LogLevel.INFO) {
            write("INFO", message);
        }
    }

    public static void warn(String message) {
        if (level != LogLevel.OFF) {
            write("WARN", message);
        }
    }

    /** A failure that leaves the agent off; shown unless logging is off. */
    public static void error(String message) {
        if (level != LogLevel.OFF) {
            write("ERROR", message);
        }
    }

    /**
     * A failure in one line, the way every message of the agent and of its tool names one: the
     * exception's class name and its message, line breaks turned into spaces
     * ({@code java.io.IOException: Connection refused}).
     */
    public static String describe(Throwable e) {
        String message = e.getMessage();
        return e.getClass().getName() + (message == null ? "" : ": " + message.replace('\r', ' ').replace('\n', ' ').trim());
    }

    private static void write(String tag, String message) {
        try {
            System.err.println("[jvm-health] " + tag + " " + message.replace('\n', ' '));
        } catch (Throwable ignored) {
            // stderr is the host's: if it cannot take our line, we stay silent rather than fail.
        }
    }
}
