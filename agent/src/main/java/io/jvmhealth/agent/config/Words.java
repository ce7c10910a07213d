package io.jvmhealth.agent.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits option values and /proc lines into words without {@code java.util.regex}: {@code String.split}
 * with a pattern loads two dozen regex classes into the host, on the agent's way to its first answer.
 */
public final class Words {
    /** What {@code \s} matches in a regular expression. */
    public static final String WHITESPACE = " \t\n\u000B\f\r";

    private Words() {
    }

    /** The non-empty pieces of {@code text} between any of the {@code separators} characters, in order. */
    public static List<String> split(String text, String separators) {
        List<String> words = new ArrayList<String>();
        int start = -1;
        for (int i = 0; i <= text.length(); i++) {
            boolean separator = i == text.length() || separators.indexOf(text.charAt(i)) >= 0;
            if (separator) {
                if (start >= 0) {
                    words.add(text.substring(start, i));
                    start = -1;
                }
            } else if (start < 0) {
                start = i;
            }
        }
        return words;
    }

    /** The first whitespace-separated word of {@code text}, or "" when it has none. */
    public static String first(String text) {
        List<String> words = split(text, WHITESPACE);
        return words.isEmpty() ? "" : words.get(0);
    }
}
