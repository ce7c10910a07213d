package io.jvmhealth.agent.health;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code /metrics} in the Prometheus text exposition format (version 0.0.4), as views over the
 * checks like every other answer. Most of it is written once per evaluation ({@link #prepare});
 * the lines that depend on the request's time ({@code jvmhealth_up}, which turns 0 once the
 * evaluation is stale, and the evaluation's age) are written per request ({@link #requestLines}).
 *
 * <p>Families: {@code jvmhealth_up{endpoint}}, {@code jvmhealth_evaluation_age_seconds},
 * {@code jvmhealth_evaluation_duration_seconds}, the state set
 * {@code jvmhealth_check_status{check,status}}, and, only where details may be shown, every
 * check's top-level numeric details as {@code jvmhealth_check_<detail>{check}} (the detail key in
 * snake case, with its unit made a base unit: {@code usedAfterGcBytes} -&gt;
 * {@code jvmhealth_check_used_after_gc_bytes}, {@code pausedMillis} -&gt;
 * {@code jvmhealth_check_paused_seconds}, {@code pauseFraction} -&gt;
 * {@code jvmhealth_check_pause_ratio}) and {@code jvmhealth_info{version}}. Details that are not
 * numbers (text, booleans, lists, maps) are skipped. Without details the answer carries no figure
 * observed in the host and not the agent's version: only up, status, age and duration.
 */
final class MetricsText {
    static final String VERSION = version();
    private static final String[] STATUSES = {"healthy", "degraded", "unhealthy"};
    /** Detail key -&gt; metric name and divisor (or {@link #NO_NAME}); keys are few and stable, so each is derived once. */
    private static final java.util.concurrent.ConcurrentHashMap<String, Object[]> NAMES = new java.util.concurrent.ConcurrentHashMap<>();
    private static final Object[] NO_NAME = new Object[0];
    /** Past this many distinct keys (a check that makes up its keys), names are derived each time instead of kept. */
    private static final int MAX_CACHED_NAMES = 512;

    private MetricsText() {
    }

    /** The part of {@code /metrics} that an evaluation fixes. */
    static byte[] prepare(List<Checked> checks, long durationNanos, boolean full) {
        StringBuilder b = new StringBuilder(256 + checks.size() * (full ? 400 : 200));
        if (durationNanos >= 0) {
            family(b, "jvmhealth_evaluation_duration_seconds", "How long the last evaluation of every check took.");
            b.append("jvmhealth_evaluation_duration_seconds ").append(number(durationNanos / 1e9)).append('\n');
        }
        family(b, "jvmhealth_check_status", "Each check's status as a state set: 1 for its current status, 0 for the others.");
        for (Checked c : checks) {
            String status = c.result().status().json();
            for (String s : STATUSES) {
                b.append("jvmhealth_check_status{check=\"");
                label(b, c.name());
                b.append("\",status=\"").append(s).append("\"} ").append(s.equals(status) ? '1' : '0').append('\n');
            }
        }
        if (full) {
            figures(b, checks);
            family(b, "jvmhealth_info", "The agent's version.");
            b.append("jvmhealth_info{version=\"");
            label(b, VERSION);
            b.append("\"} 1\n");
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** {@code jvmhealth_up} for each probe and the evaluation's age, at {@code nowNanos}. */
    static void requestLines(StringBuilder b, Snapshot snapshot, long nowNanos) {
        family(b, "jvmhealth_up", "1 when the endpoint answers 200, 0 when it answers 503.");
        for (Probe p : Probe.values()) {
            b.append("jvmhealth_up{endpoint=\"").append(p.path().substring(1)).append("\"} ")
                    .append(snapshot.reply(p, nowNanos).code() == 200 ? '1' : '0').append('\n');
        }
        family(b, "jvmhealth_evaluation_age_seconds",
                "Time since the last evaluation completed (since the agent started, before the first).");
        b.append("jvmhealth_evaluation_age_seconds ").append(number(snapshot.ageNanos(nowNanos) / 1e9)).append('\n');
    }

    /** Each check's numeric details, grouped by metric name (a family must be contiguous). */
    private static void figures(StringBuilder b, List<Checked> checks) {
        Map<String, List<String>> series = new LinkedHashMap<>();
        Map<String, String> keys = new LinkedHashMap<>();
        java.util.Set<String> namesOfThisCheck = new java.util.HashSet<>();
        for (Checked c : checks) {
            namesOfThisCheck.clear();
            for (Map.Entry<String, Object> e : c.result().details().entrySet()) {
                Object v = e.getValue();
                if (!(v instanceof Number)) {
                    continue;
                }
                Object[] nameAndDivisor = cachedName(e.getKey());
                if (nameAndDivisor == NO_NAME) {
                    continue;
                }
                String name = (String) nameAndDivisor[0];
                double value = ((Number) v).doubleValue() / (Double) nameAndDivisor[1];
                if (!namesOfThisCheck.add(name)) {
                    continue; // two keys of one check mapping to one name: the first one wins
                }
                List<String> lines = series.get(name);
                if (lines == null) {
                    lines = new ArrayList<>(4);
                    series.put(name, lines);
                    keys.put(name, e.getKey());
                }
                StringBuilder line = new StringBuilder(name.length() + c.name().length() + 32);
                line.append(name).append("{check=\"");
                label(line, c.name());
                line.append("\"} ").append(number(value));
                lines.add(line.toString());
            }
        }
        for (Map.Entry<String, List<String>> f : series.entrySet()) {
            family(b, f.getKey(), "The detail \"" + helpText(keys.get(f.getKey())) + "\" of each check that reports it.");
            for (String l : f.getValue()) {
                b.append(l).append('\n');
            }
        }
    }

    private static Object[] cachedName(String key) {
        Object[] cached = NAMES.get(key);
        if (cached != null) {
            return cached;
        }
        String[] derived = metricName(key);
        Object[] entry = derived == null ? NO_NAME : new Object[] {derived[0], Double.valueOf(derived[1])};
        if (NAMES.size() < MAX_CACHED_NAMES) {
            NAMES.put(key, entry);
        }
        return entry;
    }

    /**
     * {@code jvmhealth_check_<snake_case key>}, with the unit converted to a base unit, and the
     * divisor that converts the value to it; null for a key that gives no usable name.
     */
    static String[] metricName(String key) {
        StringBuilder s = new StringBuilder(key.length() + 8);
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            boolean upper = c >= 'A' && c <= 'Z';
            boolean alnum = upper || c >= 'a' && c <= 'z' || c >= '0' && c <= '9';
            if (!alnum) {
                s.append('_');
                continue;
            }
            if (upper && i > 0) {
                char p = key.charAt(i - 1);
                boolean prevLowerOrDigit = p >= 'a' && p <= 'z' || p >= '0' && p <= '9';
                boolean prevUpper = p >= 'A' && p <= 'Z';
                boolean nextLower = i + 1 < key.length() && key.charAt(i + 1) >= 'a' && key.charAt(i + 1) <= 'z';
                if (prevLowerOrDigit || prevUpper && nextLower) {
                    s.append('_');
                }
            }
            s.append(upper ? (char) (c + ('a' - 'A')) : c);
        }
        List<String> tokens = new ArrayList<>();
        for (String t : s.toString().split("_")) {
            if (!t.isEmpty()) {
                tokens.add(t);
            }
        }
        String scale = "1";
        if (!tokens.isEmpty()) {
            int last = tokens.size() - 1;
            switch (tokens.get(last)) {
                case "millis": case "ms": case "milliseconds":
                    tokens.set(last, "seconds");
                    scale = "1000";
                    break;
                case "micros": case "us": case "microseconds":
                    tokens.set(last, "seconds");
                    scale = "1000000";
                    break;
                case "nanos": case "ns": case "nanoseconds":
                    tokens.set(last, "seconds");
                    scale = "1000000000";
                    break;
                case "fraction":
                    tokens.set(last, "ratio");
                    break;
                case "percent":
                    tokens.set(last, "ratio");
                    scale = "100";
                    break;
                case "total": case "count": case "sum": case "bucket": case "created":
                    tokens.remove(last); // suffixes reserved for counters, histograms and summaries
                    break;
                default:
                    break;
            }
        }
        if (tokens.isEmpty() || tokens.size() == 1 && tokens.get(0).equals("status")) {
            return null;
        }
        StringBuilder name = new StringBuilder("jvmhealth_check");
        for (String t : tokens) {
            name.append('_').append(t);
        }
        return new String[] {name.toString().toLowerCase(Locale.ROOT), scale};
    }

    private static void family(StringBuilder b, String name, String help) {
        b.append("# HELP ").append(name).append(' ').append(help).append('\n');
        b.append("# TYPE ").append(name).append(" gauge\n");
    }

    /** A label value as the format requires: backslash, double quote and line feed escaped. */
    static void label(StringBuilder b, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\') {
                b.append("\\\\");
            } else if (c == '"') {
                b.append("\\\"");
            } else if (c == '\n') {
                b.append("\\n");
            } else {
                b.append(c);
            }
        }
    }

    /** HELP text escapes backslash and line feed. */
    private static String helpText(String s) {
        return s.replace("\\", "\\\\").replace("\n", "\\n");
    }

    static String number(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }

    private static String version() {
        try {
            Package p = MetricsText.class.getPackage();
            String v = p == null ? null : p.getImplementationVersion();
            return v == null ? "unknown" : v;
        } catch (Throwable e) {
            return "unknown";
        }
    }
}
