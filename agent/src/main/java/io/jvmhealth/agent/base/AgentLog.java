package io.jvmhealth.agent.base;


/**
 * The agent's only output: single lines on the JVM's own stderr (the stream {@link AgentInstrumentation#stderr()}
 * kept at the agent's start, so a host that later replaces {@code System.err} never takes our lines into its log;
 * {@code System.err} when none was kept), prefixed {@code [jvm-health]}. Nothing is logged
 * per request; callers log starts, stops, failures and changes of state. Never writes to stdout.
 *
 * <p>Every line is one line: whatever a message holds (a thread name with CR and an ANSI escape, a
 * reason quoting a host value) is written through {@link #escape}, so nothing the host controls can
 * end our line, forge another one or drive the terminal.
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
     * ({@code java.io.IOException: Connection refused}), the message cut after
     * {@value #MAX_MESSAGE_CHARS} characters (a foreign exception's message can be of any size).
     */
    public static String describe(Throwable e) {
        String message = e.getMessage();
        if (message != null && message.length() > MAX_MESSAGE_CHARS) {
            message = message.substring(0, MAX_MESSAGE_CHARS) + "...";
        }
        return e.getClass().getName() + (message == null ? "" : ": " + message.replace('\r', ' ').replace('\n', ' ').trim());
    }

    static final int MAX_MESSAGE_CHARS = 300;

    private static void write(String tag, String message) {
        try {
            err().println("[jvm-health] " + tag + " " + escape(message));
        } catch (Throwable ignored) {
            // stderr is the host's: if it cannot take our line, we stay silent rather than fail.
        }
    }

    /**
     * Writes a block of lines at once (one {@code print}, so no other writer of stderr can cut into
     * it), each line already escaped by the caller with {@link #escape} and prefixed. Evidence is
     * governed by its own option ({@code evidence=off}), not by {@code log}. Returns whether it was written.
     */
    public static boolean block(String text) {
        try {
            java.io.PrintStream err = err();
            err.print(text);
            err.flush();
            return true;
        } catch (Throwable ignored) {
            return false;
        }
    }

    private static java.io.PrintStream err() {
        java.io.PrintStream kept = AgentInstrumentation.stderr();
        return kept != null ? kept : System.err;
    }

    /**
     * The text made safe for one line: {@code \n}, {@code \r} and {@code \t} as those escapes; every
     * other control character (C0, DEL, C1 such as ESC's 8-bit twin), the line and paragraph
     * separators U+2028/U+2029, the bidirectional overrides, isolates and marks (U+202A-202E, U+2066-2069,
     * U+200E/F) and lone surrogates as {@code \}{@code uXXXX}. Everything else,
     * including a backslash, is kept. Returns the same string when nothing needs escaping.
     */
    public static String escape(String text) {
        if (text == null) {
            return "null";
        }
        int i = 0;
        int n = text.length();
        while (i < n && !needsEscape(text, i)) {
            i += Character.isHighSurrogate(text.charAt(i)) ? 2 : 1; // a valid pair: both halves
        }
        if (i == n) {
            return text;
        }
        StringBuilder b = new StringBuilder(n + 16).append(text, 0, i);
        for (; i < n; i++) {
            char c = text.charAt(i);
            if (!needsEscape(text, i)) {
                b.append(c);
                if (Character.isHighSurrogate(c)) {
                    b.append(text.charAt(++i)); // a valid pair: both halves
                }
            } else if (c == '\n') {
                b.append("\\n");
            } else if (c == '\r') {
                b.append("\\r");
            } else if (c == '\t') {
                b.append("\\t");
            } else {
                b.append("\\u");
                String hex = Integer.toHexString(c);
                for (int k = hex.length(); k < 4; k++) {
                    b.append('0');
                }
                b.append(hex);
            }
        }
        return b.toString();
    }

    private static boolean needsEscape(String s, int i) {
        char c = s.charAt(i);
        if (c < 0x20 || c >= 0x7f && c <= 0x9f || c == '\u2028' || c == '\u2029') {
            return true;
        }
        if (c >= '\u202a' && c <= '\u202e' || c >= '\u2066' && c <= '\u2069' || c == '\u200e' || c == '\u200f') {
            return true; // bidirectional overrides and marks: they can make a line read as another in a terminal
        }
        if (Character.isHighSurrogate(c)) {
            return i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1));
        }
        return Character.isLowSurrogate(c); // a low surrogate reached here has no high one before it
    }
}
