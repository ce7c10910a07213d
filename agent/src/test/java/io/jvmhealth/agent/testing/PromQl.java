package io.jvmhealth.agent.testing;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * The metric names a PromQL expression reads, for tests that hold the alert rules and the dashboard
 * to the families the agent exports. A small scanner, not a parser: strings, label matchers
 * ({@code {...}}), ranges ({@code [...]}), numbers, grouping label lists ({@code by (...)},
 * {@code on (...)}, ...), keywords, function names (an identifier followed by {@code (}) and
 * aggregations (also {@code sum by (...) (...)}) are skipped; every other identifier is a metric name. {@code promtool check rules} checks the syntax.
 */
public final class PromQl {
    /** Every family the agent exports (docs/endpoints.md#metrics), and Prometheus' own {@code up}. */
    public static final Set<String> AGENT_FAMILIES = Collections.unmodifiableSet(new TreeSet<>(Arrays.asList(
            "jvmhealth_up",
            "jvmhealth_check_status",
            "jvmhealth_evaluation_age_seconds",
            "jvmhealth_evaluation_duration_seconds",
            "jvmhealth_check_transitions_total",
            "jvmhealth_check_last_transition_timestamp_seconds",
            "jvmhealth_check_evaluation_duration_seconds",
            "jvmhealth_evidence_written_total",
            "jvmhealth_shutdown",
            "jvmhealth_info",
            "up")));

    private static final Set<String> GROUPING = new HashSet<>(Arrays.asList(
            "by", "without", "on", "ignoring", "group_left", "group_right"));
    private static final Set<String> KEYWORDS = new HashSet<>(Arrays.asList(
            "and", "or", "unless", "bool", "offset", "atan2", "inf", "nan"));

    private PromQl() {
    }

    public static Set<String> metricNames(String expr) {
        Set<String> names = new TreeSet<>();
        String s = expr;
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '"' || c == '\'' || c == '`') {
                i = skipString(s, i);
            } else if (c == '{') {
                i = skipTo(s, i, '}');
            } else if (c == '[') {
                i = skipTo(s, i, ']');
            } else if (Character.isDigit(c) || (c == '.' && i + 1 < s.length() && Character.isDigit(s.charAt(i + 1)))) {
                i++;
                while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '.')) {
                    i++; // 2, 0.5, 1e3, 0x1f, and a duration after offset (5m)
                }
            } else if (Character.isLetter(c) || c == '_' || c == ':') {
                int start = i;
                while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_' || s.charAt(i) == ':')) {
                    i++;
                }
                String word = s.substring(start, i);
                int next = i;
                while (next < s.length() && Character.isWhitespace(s.charAt(next))) {
                    next++;
                }
                // a function, or an aggregation: sum(...), sum by (...) (...), sum without (...) (...)
                boolean call = next < s.length() && s.charAt(next) == '('
                        || isWord(s, next, "by") || isWord(s, next, "without");
                if (GROUPING.contains(word.toLowerCase())) {
                    if (call) {
                        i = skipTo(s, next, ')');
                    }
                } else if (!call && !KEYWORDS.contains(word.toLowerCase())) {
                    names.add(word);
                }
            } else {
                i++;
            }
        }
        return names;
    }

    private static boolean isWord(String s, int at, String word) {
        int end = at + word.length();
        return s.regionMatches(true, at, word, 0, word.length())
                && (end == s.length() || !(Character.isLetterOrDigit(s.charAt(end)) || s.charAt(end) == '_'));
    }

    private static int skipString(String s, int open) {
        char quote = s.charAt(open);
        int i = open + 1;
        while (i < s.length() && s.charAt(i) != quote) {
            i += s.charAt(i) == '\\' && quote != '`' ? 2 : 1;
        }
        if (i >= s.length()) {
            throw new AssertionError("unterminated string in: " + s);
        }
        return i + 1;
    }

    /** The index after the {@code close} that ends the group opened at {@code open}, strings skipped. */
    private static int skipTo(String s, int open, char close) {
        int i = open + 1;
        while (i < s.length() && s.charAt(i) != close) {
            char c = s.charAt(i);
            i = c == '"' || c == '\'' || c == '`' ? skipString(s, i) : i + 1;
        }
        if (i >= s.length()) {
            throw new AssertionError("no '" + close + "' after position " + open + " in: " + s);
        }
        return i + 1;
    }
}
