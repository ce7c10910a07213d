package io.jvmhealth.agent.testing;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the agent writes that tests read: its start line (with the URL) and its thread names. */
public final class AgentLines {
    /** The agent's start line on stderr; group 1 is the URL. */
    public static final Pattern START_LINE = Pattern.compile("serving /live /ready /started /health at (http://\\S+/)");

    private AgentLines() {
    }

    /** The URL from the first start line among {@code lines}, or null. */
    public static String url(List<String> lines) {
        for (String line : lines) {
            Matcher m = START_LINE.matcher(line);
            if (m.find()) {
                return m.group(1);
            }
        }
        return null;
    }

    /** How many start lines are among {@code lines} (one per start of the agent). */
    public static long startLines(List<String> lines) {
        return lines.stream().filter(l -> START_LINE.matcher(l).find()).count();
    }

    /** Every agent thread is named {@code jvm-health-*}. */
    public static boolean isAgentThread(String name) {
        return name.startsWith("jvm-health");
    }
}
