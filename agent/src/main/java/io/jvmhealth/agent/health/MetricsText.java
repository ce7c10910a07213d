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
 * <p>Families: the agent's own ({@code jvmhealth_up{endpoint}}, {@code jvmhealth_evaluation_age_seconds},
 * {@code jvmhealth_evaluation_duration_seconds}, the state set {@code jvmhealth_check_status{check,status}},
 * {@code jvmhealth_info{version}}) and, only where details may be shown, the families each check
 * declares ({@link HealthCheck#metricFamilies()}) with the figures its result carries, as
 * {@code <family>{check="<check>"}}. Without details the answer carries no figure observed in the
 * host and not the agent's version: only up, status, age and duration.
 */
final class MetricsText {
    static final String VERSION = version();
    private static final String[] STATUSES = {"healthy", "degraded", "unhealthy"};

    /** The lengths of the last full and short bodies (a size hint; racy updates only make it less exact). */
    private static int lastFull;
    private static int lastShort;

    private MetricsText() {
    }

    /** The part of {@code /metrics} that an evaluation fixes. */
    static byte[] prepare(List<Checked> checks, long durationNanos, boolean full) {
        return prepare(checks, durationNanos, full, Shutdown.RUNNING);
    }

    /** As above, with the JVM's shutdown state ({@code jvmhealth_shutdown{state}}). */
    static byte[] prepare(List<Checked> checks, long durationNanos, boolean full, Shutdown shutdown) {
        // Sized by the last body of its kind: a builder that grows doubles and copies, garbage on the host's heap.
        int hint = full ? lastFull : lastShort;
        StringBuilder b = new StringBuilder(Math.max(256 + checks.size() * (full ? 400 : 200), hint + hint / 8));
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
        family(b, "jvmhealth_shutdown", "Where the JVM is in its end, as a state set: running, draining (shutdown.drain) or stopping.");
        for (Shutdown.State s : Shutdown.State.values()) {
            b.append("jvmhealth_shutdown{state=\"").append(s.word()).append("\"} ").append(s == shutdown.state() ? '1' : '0').append('\n');
        }
        transitions(b, checks);
        if (full) {
            figures(b, checks);
            family(b, "jvmhealth_info", "The agent's version.");
            b.append("jvmhealth_info{version=\"");
            label(b, VERSION);
            b.append("\"} 1\n");
        }
        if (full) {
            lastFull = b.length();
        } else {
            lastShort = b.length();
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** {@code jvmhealth_up} for each probe and the evaluation's age, at {@code nowNanos}. */
    static void requestLines(StringBuilder b, Snapshot snapshot, long nowNanos) {
        family(b, "jvmhealth_up", "1 when the endpoint answers 200, 0 when it answers 503.");
        for (Probe p : Probe.values()) {
            b.append("jvmhealth_up{endpoint=\"").append(p.path().substring(1)).append("\"} ")
                    .append(snapshot.reply(p, nowNanos).code() == Reply.OK ? '1' : '0').append('\n');
        }
        family(b, "jvmhealth_evaluation_age_seconds",
                "Time since the last evaluation completed (since the agent started, before the first).");
        b.append("jvmhealth_evaluation_age_seconds ").append(number(snapshot.ageNanos(nowNanos) / 1e9)).append('\n');
    }

    /** Each check's transitions by status, when it last changed, and how long its evaluation took. */
    private static void transitions(StringBuilder b, List<Checked> checks) {
        if (checks.isEmpty()) {
            return;
        }
        b.append("# HELP jvmhealth_check_transitions_total Times each check turned into each status since the agent started.\n")
                .append("# TYPE jvmhealth_check_transitions_total counter\n");
        for (Checked c : checks) {
            for (Status s : Status.values()) {
                b.append("jvmhealth_check_transitions_total{check=\"");
                label(b, c.name());
                b.append("\",status=\"").append(s.json()).append("\"} ").append(c.transitionsInto(s)).append('\n');
            }
        }
        boolean changed = false;
        boolean timed = false;
        for (Checked c : checks) {
            changed |= c.lastTransitionMillis() > 0;
            timed |= c.durationNanos() >= 0;
        }
        // Written straight into b, family by family (each family contiguous), with no builder of its own.
        if (changed) {
            family(b, "jvmhealth_check_last_transition_timestamp_seconds", "When each check last changed status (Unix time), for checks that did.");
            for (Checked c : checks) {
                if (c.lastTransitionMillis() > 0) {
                    b.append("jvmhealth_check_last_transition_timestamp_seconds{check=\"");
                    label(b, c.name());
                    b.append("\"} ").append(number(c.lastTransitionMillis() / 1000.0)).append('\n');
                }
            }
        }
        if (timed) {
            family(b, "jvmhealth_check_evaluation_duration_seconds", "How long each check's last evaluation took (a passed gate is not evaluated again).");
            for (Checked c : checks) {
                if (c.durationNanos() >= 0) {
                    b.append("jvmhealth_check_evaluation_duration_seconds{check=\"");
                    label(b, c.name());
                    b.append("\"} ").append(number(c.durationNanos() / 1e9)).append('\n');
                }
            }
        }
    }

    /** Each check's figures under the families it declared, grouped by family (a family must be contiguous). */
    private static void figures(StringBuilder b, List<Checked> checks) {
        Map<String, MetricFamily> families = new LinkedHashMap<>();
        Map<String, StringBuilder> series = new LinkedHashMap<>();
        for (Checked c : checks) {
            List<MetricFamily> declared = c.families();
            CheckResult r = c.result();
            for (int i = 0; i < declared.size(); i++) {
                double v = r.figure(i);
                if (Double.isNaN(v)) {
                    continue;
                }
                MetricFamily f = declared.get(i);
                StringBuilder lines = series.get(f.name());
                if (lines == null) {
                    lines = new StringBuilder(64);
                    series.put(f.name(), lines);
                    families.put(f.name(), f);
                }
                lines.append(f.name()).append("{check=\"");
                label(lines, c.name());
                lines.append("\"} ").append(number(v)).append('\n');
            }
        }
        for (Map.Entry<String, StringBuilder> e : series.entrySet()) {
            MetricFamily f = families.get(e.getKey());
            family(b, f.name(), f.help(), f.type());
            b.append(e.getValue());
        }
    }

    private static void family(StringBuilder b, String name, String help) {
        family(b, name, help, MetricFamily.Type.GAUGE);
    }

    private static void family(StringBuilder b, String name, String help, MetricFamily.Type type) {
        b.append("# HELP ").append(name).append(' ').append(helpText(help)).append('\n');
        b.append("# TYPE ").append(name).append(' ').append(type.word()).append('\n');
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
