package io.jvmhealth.agent.http;

import io.jvmhealth.agent.health.CheckResult;
import io.jvmhealth.agent.health.Checked;
import io.jvmhealth.agent.health.History;
import io.jvmhealth.agent.health.Probe;
import io.jvmhealth.agent.health.Role;
import io.jvmhealth.agent.health.Series;
import io.jvmhealth.agent.health.Shutdown;
import io.jvmhealth.agent.health.Snapshot;
import io.jvmhealth.agent.health.Status;
import io.jvmhealth.agent.health.UtcTime;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Writes the page at {@code /} from one snapshot: the overall status, the four answers ({@code /live},
 * {@code /ready}, {@code /started}, {@code /health}) and why each fails, the JVM's shutdown state, every check
 * with its status, reason and details, the startup gates (passed or waiting), charts of the last hour
 * ({@link Chart} over the snapshot's {@link Series}) and the last {@link #TRANSITIONS} transitions, newest first.
 * Without details ({@code details=never}, or {@code authorized} without the token): statuses only, as the JSON
 * bodies: no reason, no details, no chart (their figures are the host's), transitions without reasons.
 *
 * <p>Bounded: a reason is shown to {@link #MAX_REASON_CHARS} characters, a string in details to
 * {@link #MAX_VALUE_CHARS}, a check's details to {@link #MAX_DETAILS_CHARS} in all (each cut says so and where the
 * whole is); {@link #TRANSITIONS} transitions; four charts of at most {@link Series#MAX_POINTS} points. Every
 * string the host controls goes through {@link Html#text}. Plain HTML and inline SVG, one stylesheet, no script.
 */
final class PageHtml {
    /** Transitions shown, newest first. */
    static final int TRANSITIONS = 50;
    static final int MAX_REASON_CHARS = 600;
    /** Why an answer fails, in its tile (the checks' reasons are below in full). */
    static final int MAX_WHY_CHARS = 240;
    static final int MAX_VALUE_CHARS = 300;
    static final int MAX_DETAILS_CHARS = 6000;
    /** Nesting of details shown (deeper values are written as "..."). */
    private static final int MAX_DEPTH = 6;

    static final String STYLE = ""
            + ":root{color-scheme:light}"
            + "*{box-sizing:border-box}"
            + "body{margin:0;font:15px/1.45 system-ui,-apple-system,\"Segoe UI\",Roboto,\"Noto Sans\",\"DejaVu Sans\",sans-serif;"
            + "color:#1c2430;background:#f3f5f8}"
            + "header{padding:18px 28px;color:#fff;background:#55606e}"
            + "header.healthy{background:#1e7b3e}header.degraded{background:#9a5b00}header.unhealthy{background:#b3261e}"
            + "h1{margin:0;font-size:26px;font-weight:600}"
            + "header p{margin:4px 0 0}"
            + "main{padding:4px 28px 20px;max-width:1500px}"
            + "h2{font-size:17px;margin:24px 0 10px;color:#2b3544}"
            + "h2 small{font-weight:400;color:#6b7683;font-size:13px;margin-left:8px}"
            + ".banner{margin:16px 0 0;padding:10px 14px;border-left:5px solid #b3261e;background:#fdecea;font-weight:600}"
            + ".tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(240px,1fr));gap:12px}"
            + ".tile{background:#fff;border-radius:8px;padding:10px 14px;border-top:5px solid #1e7b3e;"
            + "box-shadow:0 1px 2px rgba(0,0,0,.1)}"
            + ".tile.fail{border-top-color:#b3261e}"
            + ".tile a{font:600 16px ui-monospace,Menlo,Consolas,\"DejaVu Sans Mono\",monospace;color:#1c2430;text-decoration:none}"
            + ".tile .code{float:right;font-weight:700;font-size:18px;color:#1e7b3e}"
            + ".tile.fail .code{color:#b3261e}"
            + ".tile p{margin:6px 0 0;font-size:13px;color:#4a5565;overflow-wrap:anywhere}"
            + "table{border-collapse:collapse;width:100%;background:#fff;box-shadow:0 1px 2px rgba(0,0,0,.1)}"
            + "th,td{text-align:left;vertical-align:top;padding:7px 10px;border-bottom:1px solid #e6e9ee}"
            + "thead th{font-size:12px;text-transform:uppercase;letter-spacing:.04em;color:#5b6675;background:#f8f9fb}"
            + "td.name{font:600 14px ui-monospace,Menlo,Consolas,\"DejaVu Sans Mono\",monospace;overflow-wrap:break-word}"
            + "td.nowrap{white-space:nowrap}"
            + "td.reason{overflow-wrap:anywhere}"
            + ".st{display:inline-block;padding:1px 9px;border-radius:10px;font-size:13px;font-weight:600;white-space:nowrap}"
            + ".st.healthy,.st.passed{background:#dcf3e3;color:#135a2b}"
            + ".st.degraded,.st.waiting{background:#fdefd6;color:#7a4700}"
            + ".st.unhealthy{background:#fbdedb;color:#8c1d16}"
            + "details{margin-top:4px}"
            + "summary{cursor:pointer;color:#2f5f9e;font-size:13px}"
            + ".kvbox{max-height:26em;overflow:auto;margin-top:6px;border:1px solid #e6e9ee}"
            + "table.kv{box-shadow:none;font-size:13px;background:#f8f9fb}"
            + "table.kv th{font-weight:600;width:1%;white-space:nowrap;color:#4a5565}"
            + "table.kv th,table.kv td{padding:3px 8px;border-bottom:1px solid #eceff3;overflow-wrap:anywhere}"
            + "pre{margin:0;font:12px/1.4 ui-monospace,Menlo,Consolas,\"DejaVu Sans Mono\",monospace;white-space:pre-wrap;"
            + "overflow-wrap:anywhere}"
            + ".cut{color:#7a4700;font-size:12px;margin:4px 0 0}"
            + ".charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(460px,1fr));gap:14px}"
            + "figure{margin:0;background:#fff;border-radius:8px;padding:10px 12px;box-shadow:0 1px 2px rgba(0,0,0,.1)}"
            + "figcaption{font-weight:600}"
            + "figcaption span{float:right;font-weight:400;color:#4a5565}"
            + "svg.chart{width:100%;height:auto;display:block}"
            + ".chart .grid{stroke:#e3e7ed}"
            + ".chart .axis{stroke:#9aa4b1}"
            + ".chart .line{fill:none;stroke:#2f6fb5;stroke-width:2;stroke-linejoin:round;stroke-linecap:round}"
            + ".chart .now{fill:#2f6fb5;stroke:#fff;stroke-width:1.5}"
            + ".chart text{font-size:12px;fill:#5b6675}"
            + ".chart .y{text-anchor:end}"
            + ".chart .x{text-anchor:middle}"
            + ".chart .x.first{text-anchor:start}"
            + ".chart .x.last{text-anchor:end}"
            + ".chart .empty{text-anchor:middle;font-size:14px;fill:#8a94a1}"
            + ".muted{color:#6b7683}"
            + "footer{padding:0 28px 28px;color:#6b7683;font-size:13px}"
            + "a{color:#2f5f9e}";

    private PageHtml() {
    }

    /** The page's bytes (UTF-8). */
    static byte[] render(Snapshot s, boolean details, boolean stalled) {
        StringBuilder b = new StringBuilder(details ? 48 * 1024 : 8 * 1024);
        boolean evaluated = s.isEvaluated();
        String overall = !evaluated ? "starting" : stalled ? "stalled" : s.overall().json();
        String tone = !evaluated ? "starting" : stalled ? Status.UNHEALTHY.json() : s.overall().json();
        b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<meta name=\"robots\" content=\"noindex\"><title>").append(overall).append(" \u00b7 JVM health</title>")
                .append("<link rel=\"icon\" href=\"data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E"
                        + "%3Ccircle cx='8' cy='8' r='7' fill='%23").append(iconColor(tone)).append("'/%3E%3C/svg%3E\"><style>")
                .append(STYLE).append("</style></head>\n<body>\n");
        header(b, s, overall, tone);
        b.append("<main>\n");
        banners(b, s, stalled);
        answers(b, s, details, stalled);
        checks(b, s, details);
        gates(b, s, details);
        charts(b, s, details);
        transitions(b, s, details);
        b.append("</main>\n<footer>The same, as JSON and text: <a href=\"/health\">/health</a> \u00b7 "
                + "<a href=\"/health/history?verbose\">/health/history?verbose</a> \u00b7 <a href=\"/metrics\">/metrics</a> \u00b7 "
                + "<a href=\"/ready?verbose\">/ready?verbose</a>. This page is rendered from the agent's last evaluation, "
                + "not by your request; reload it for a newer one.")
                .append(details ? "" : " Reasons, details and charts are hidden: details are off (details=never, or "
                        + "details=authorized without the token).")
                .append("</footer>\n</body></html>\n");
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The tab's icon: a dot of the overall status's colour, inline (the policy allows {@code data:} images for it:
     * without an icon of its own, a browser asks for {@code /favicon.ico}, and some report that as a violation).
     */
    private static String iconColor(String tone) {
        return tone.equals("healthy") ? "1e7b3e" : tone.equals("degraded") ? "9a5b00" : tone.equals("unhealthy") ? "b3261e" : "55606e";
    }

    private static void header(StringBuilder b, Snapshot s, String overall, String tone) {
        b.append("<header class=\"").append(tone).append("\"><h1>JVM health: ").append(overall).append("</h1><p>");
        if (s.isEvaluated()) {
            b.append("Last evaluation ").append(UtcTime.iso(s.epochMillis()));
        } else {
            b.append("The first evaluation has not completed yet");
        }
        b.append(" \u00b7 JVM ").append(s.shutdown().state().word()).append("</p></header>\n");
    }

    /** What the reader must see first: the evaluation stalled, the JVM's end begun. */
    private static void banners(StringBuilder b, Snapshot s, boolean stalled) {
        if (stalled) {
            b.append("<p class=\"banner\">The health evaluation has stalled: ").append(s.isEvaluated()
                    ? "no evaluation has completed since the one shown here, so /live, /ready and /health answer 503."
                    : "the first evaluation has not completed in time, so /live, /ready and /health answer 503.")
                    .append("</p>\n");
        }
        Shutdown shutdown = s.shutdown();
        if (!shutdown.isRunning()) {
            b.append("<p class=\"banner\">The JVM is ").append(shutdown.state().word())
                    .append(": /ready answers 503 until the process ends.</p>\n");
        }
    }

    private static void answers(StringBuilder b, Snapshot s, boolean details, boolean stalled) {
        b.append("<h2>Answers</h2>\n<div class=\"tiles\">");
        for (Probe p : Probe.values()) {
            int code = stalled && p != Probe.STARTED ? HttpStatus.UNAVAILABLE : s.prepared(p).code();
            boolean ok = code == HttpStatus.OK;
            b.append("<div class=\"tile ").append(ok ? "ok" : "fail").append("\"><a href=\"").append(p.path()).append("?verbose\">")
                    .append(p.path()).append("</a><span class=\"code\">").append(code).append("</span>");
            String why = stalled && p != Probe.STARTED ? "health evaluation stalled" : s.why(p);
            if (!ok && details && why != null) {
                b.append("<p>");
                Html.text(b, why, MAX_WHY_CHARS);
                b.append("</p>");
            }
            b.append("</div>");
        }
        b.append("</div>\n");
    }

    private static void checks(StringBuilder b, Snapshot s, boolean details) {
        int count = 0;
        for (Checked c : s.checks()) {
            count += c.role() == Role.STARTUP ? 0 : 1;
        }
        b.append("<h2>Checks<small>").append(count).append(count == 1 ? " check" : " checks").append("</small></h2>\n");
        if (count == 0) {
            b.append("<p class=\"muted\">").append(s.isEvaluated() ? "No checks run." : "No evaluation yet.").append("</p>\n");
            return;
        }
        b.append("<table><thead><tr><th>check</th><th>status</th><th>decides</th>")
                .append(details ? "<th>reason and details</th>" : "").append("</tr></thead><tbody>\n");
        for (Checked c : s.checks()) {
            if (c.role() == Role.STARTUP) {
                continue;
            }
            CheckResult r = c.result();
            b.append("<tr><td class=\"name\">");
            Html.text(b, c.name(), MAX_VALUE_CHARS);
            b.append("</td><td class=\"nowrap\">");
            status(b, r.status().json());
            b.append("</td><td class=\"nowrap\">").append(c.decidesLiveness() ? "/live, /ready" : c.decidesReadiness() ? "/ready" : "/health")
                    .append("</td>");
            if (details) {
                b.append("<td class=\"reason\">");
                reasonAndDetails(b, c, r.status() != Status.HEALTHY);
                b.append("</td>");
            }
            b.append("</tr>\n");
        }
        b.append("</tbody></table>\n");
    }

    private static void gates(StringBuilder b, Snapshot s, boolean details) {
        int count = 0;
        int passed = 0;
        for (Checked c : s.checks()) {
            if (c.role() == Role.STARTUP) {
                count++;
                passed += c.passed() ? 1 : 0;
            }
        }
        b.append("<h2>Startup gates<small>");
        if (count == 0) {
            b.append("none</small></h2>\n<p class=\"muted\">").append(s.isStarted()
                    ? "No startup gate: /started turned 200 with the first evaluation."
                    : "No startup gate: /started turns 200 with the first evaluation.").append("</p>\n");
            return;
        }
        b.append(passed).append(" of ").append(count).append(" passed</small></h2>\n<table><thead><tr><th>gate</th><th>state</th>")
                .append(details ? "<th>reason and details</th>" : "").append("</tr></thead><tbody>\n");
        for (Checked c : s.checks()) {
            if (c.role() != Role.STARTUP) {
                continue;
            }
            b.append("<tr><td class=\"name\">");
            Html.text(b, c.name(), MAX_VALUE_CHARS);
            b.append("</td><td class=\"nowrap\">");
            status(b, c.passed() ? "passed" : "waiting");
            if (c.passed() && c.result().status() != Status.HEALTHY) {
                b.append(' ');
                status(b, c.result().status().json());
            }
            b.append("</td>");
            if (details) {
                b.append("<td class=\"reason\">");
                reasonAndDetails(b, c, !c.passed());
                b.append("</td>");
            }
            b.append("</tr>\n");
        }
        b.append("</tbody></table>\n");
    }

    private static void status(StringBuilder b, String word) {
        b.append("<span class=\"st ").append(word).append("\">").append(word).append("</span>");
    }

    /** The reason (when there is one) and the details in a {@code <details>} element, open when {@code open}. */
    private static void reasonAndDetails(StringBuilder b, Checked c, boolean open) {
        CheckResult r = c.result();
        if (r.reason() != null) {
            b.append("<div>");
            Html.text(b, r.reason(), MAX_REASON_CHARS);
            b.append("</div>");
        } else if (r.details().isEmpty()) {
            b.append("<span class=\"muted\">ok</span>");
        }
        if (!r.details().isEmpty()) {
            b.append(open ? "<details open>" : "<details>").append("<summary>details</summary>");
            new Details(b, c.name()).table(r.details());
            b.append("</details>");
        }
    }

    private static void charts(StringBuilder b, Snapshot s, boolean details) {
        b.append("<h2>The last hour<small>one point per evaluation, at most one per ");
        Series series = s.series();
        Chart.number(b, (series == null ? Series.MIN_STEP_MILLIS : series.stepMillis()) / 1000.0).append(" s</small></h2>\n");
        if (!details) {
            b.append("<p class=\"muted\">Charts are hidden: details are off, and the charts' figures are the host's.</p>\n");
            return;
        }
        Series.Points points = s.seriesPoints();
        if (points == null) {
            b.append("<p class=\"muted\">No figures are kept (the server was not asked to keep them).</p>\n");
            return;
        }
        long end = s.isEvaluated() ? s.epochMillis() : System.currentTimeMillis();
        long start = end - Series.SPAN_MILLIS;
        b.append("<div class=\"charts\">\n");
        chart(b, points, ChartedFigures.HEAP, start, end, Chart.Unit.PERCENT_OF_ONE, "Heap after GC", "% of max heap", " of max",
                "no figure from the heap check");
        chart(b, points, ChartedFigures.GC, start, end, Chart.Unit.PERCENT_SCALED, "Time in GC pauses", "% of wall time over the gc window",
                " of wall time", "no figure from the gc check");
        chart(b, points, ChartedFigures.THREADS, start, end, Chart.Unit.COUNT, "Live threads", "threads", " threads",
                "no figure from the threads check");
        chart(b, points, ChartedFigures.MEMORY, start, end, Chart.Unit.PERCENT_OF_ONE, "Container memory (working set)",
                "% of the container's memory limit", " of limit", "no memory limit on this container (or the memory check is off)");
        b.append("</div>\n");
    }

    private static void chart(StringBuilder b, Series.Points points, int line, long start, long end, Chart.Unit unit, String title,
                              String axis, String nowSuffix, String empty) {
        b.append("<figure><figcaption>").append(title);
        double last = Chart.last(points, line, start);
        if (!Double.isNaN(last)) {
            b.append("<span>now ");
            Chart.tick(b, last, unit).append(nowSuffix).append("</span>");
        }
        b.append("</figcaption>");
        Chart.svg(b, points, line, end, unit, axis, empty);
        b.append("</figure>\n");
    }

    private static void transitions(StringBuilder b, Snapshot s, boolean details) {
        List<History.Transition> all = s.transitions();
        int shown = Math.min(TRANSITIONS, all.size());
        b.append("<h2>Recent transitions<small>newest first; ").append(shown).append(" of the ").append(all.size())
                .append(" kept (all at <a href=\"/health/history?verbose\">/health/history</a>)</small></h2>\n");
        if (shown == 0) {
            b.append("<p class=\"muted\">None yet.</p>\n");
            return;
        }
        b.append("<table><thead><tr><th>time (UTC)</th><th>what</th><th>from</th><th>to</th>")
                .append(details ? "<th>reason</th>" : "").append("</tr></thead><tbody>\n");
        for (int i = all.size() - 1; i >= all.size() - shown; i--) {
            History.Transition t = all.get(i);
            String iso = UtcTime.isoMillis(t.epochMillis());
            b.append("<tr><td class=\"nowrap\">").append(iso, 0, 10).append(' ').append(iso, 11, iso.length() - 1)
                    .append("</td><td class=\"name\">");
            Html.text(b, t.check(), MAX_VALUE_CHARS);
            b.append("</td><td class=\"nowrap\">");
            transitionState(b, t.from());
            b.append("</td><td class=\"nowrap\">");
            transitionState(b, t.to());
            b.append("</td>");
            if (details) {
                b.append("<td class=\"reason\">");
                Html.text(b, t.reason(), MAX_REASON_CHARS);
                b.append("</td>");
            }
            b.append("</tr>\n");
        }
        b.append("</tbody></table>\n");
    }

    /** A status word as a badge; an HTTP code or a shutdown state as text. */
    private static void transitionState(StringBuilder b, String state) {
        for (Status st : Status.values()) {
            if (st.json().equals(state)) {
                status(b, state);
                return;
            }
        }
        if ("200".equals(state)) {
            b.append("<span class=\"st healthy\">200</span>");
        } else if ("503".equals(state)) {
            b.append("<span class=\"st unhealthy\">503</span>");
        } else {
            Html.text(b, state, MAX_VALUE_CHARS);
        }
    }

    /**
     * A check's details as a table of its top-level keys; a nested value (a list of maps, a map) as indented text,
     * one entry a line. At most {@link #MAX_DETAILS_CHARS} characters of it in all.
     */
    static final class Details {
        private final StringBuilder b;
        private final String check;
        private int left = MAX_DETAILS_CHARS;
        private boolean cut;

        Details(StringBuilder b, String check) {
            this.b = b;
            this.check = check;
        }

        void table(Map<String, Object> details) {
            b.append("<div class=\"kvbox\"><table class=\"kv\">");
            for (Map.Entry<String, Object> e : details.entrySet()) {
                if (cut) {
                    break;
                }
                b.append("<tr><th>");
                out(e.getKey());
                b.append("</th><td>");
                Object v = e.getValue();
                if (isScalar(v)) {
                    scalar(e.getKey(), v);
                } else if (v instanceof List && allScalars((List<?>) v)) {
                    List<?> list = (List<?>) v;
                    for (int i = 0; i < list.size() && !cut; i++) {
                        if (i > 0) {
                            out(", ");
                        }
                        scalar(null, list.get(i));
                    }
                } else {
                    b.append("<pre>");
                    nested(v, 0, true, 1);
                    b.append("</pre>");
                }
                b.append("</td></tr>");
            }
            b.append("</table></div>");
            if (cut) {
                b.append("<p class=\"cut\">Cut at ").append(MAX_DETAILS_CHARS).append(" characters: all of it at <a href=\"/health/");
                percentEncode(check);
                b.append("\">/health/");
                Html.text(b, check, MAX_VALUE_CHARS);
                b.append("</a>.</p>");
            }
        }

        /** {@code v} at {@code indent}: a map's entries or a list's items one a line; {@code first}: no line break before it. */
        private void nested(Object v, int indent, boolean first, int depth) {
            if (depth > MAX_DEPTH) {
                out("...");
                return;
            }
            if (v instanceof Map) {
                Map<?, ?> map = (Map<?, ?>) v;
                if (map.isEmpty()) {
                    out("{}");
                    return;
                }
                boolean firstLine = first;
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    if (cut) {
                        return;
                    }
                    if (!firstLine) {
                        newline(indent);
                    }
                    firstLine = false;
                    out(String.valueOf(e.getKey()));
                    out(":");
                    afterKey(String.valueOf(e.getKey()), e.getValue(), indent, depth);
                }
            } else if (v instanceof List) {
                List<?> list = (List<?>) v;
                if (list.isEmpty()) {
                    out("[]");
                    return;
                }
                boolean firstLine = first;
                for (Object item : list) {
                    if (cut) {
                        return;
                    }
                    if (!firstLine) {
                        newline(indent);
                    }
                    firstLine = false;
                    out("- ");
                    if (isScalar(item)) {
                        scalar(null, item);
                    } else {
                        nested(item, indent + 2, true, depth + 1);
                    }
                }
            } else {
                scalar(null, v);
            }
        }

        private void afterKey(String key, Object value, int indent, int depth) {
            if (isScalar(value) || value instanceof Map && ((Map<?, ?>) value).isEmpty() || value instanceof List && ((List<?>) value).isEmpty()) {
                out(" ");
                if (isScalar(value)) {
                    scalar(key, value);
                } else {
                    nested(value, indent, true, depth);
                }
                return;
            }
            newline(indent + 2);
            nested(value, indent + 2, true, depth + 1);
        }

        private void newline(int indent) {
            if (cut) {
                return;
            }
            b.append('\n');
            for (int i = 0; i < indent; i++) {
                b.append(' ');
            }
            left -= 1 + indent;
        }

        /** A string (cut at {@link #MAX_VALUE_CHARS}), a number (bytes also in KiB, MiB or GiB), a boolean, or null. */
        private void scalar(String key, Object v) {
            if (v == null) {
                out("null");
            } else if (v instanceof String) {
                String s = (String) v;
                if (s.length() > MAX_VALUE_CHARS) {
                    out(s.substring(0, Character.isHighSurrogate(s.charAt(MAX_VALUE_CHARS - 1)) ? MAX_VALUE_CHARS - 1 : MAX_VALUE_CHARS));
                    out(Html.ELLIPSIS + " (" + s.length() + " characters)");
                } else {
                    out(s);
                }
            } else if (v instanceof Double || v instanceof Float) {
                double d = ((Number) v).doubleValue();
                out(d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d));
            } else if (v instanceof Number) {
                long n = ((Number) v).longValue();
                out(Long.toString(n));
                if (key != null && key.endsWith("Bytes") && n >= 1024) {
                    out(" (" + bytes(n) + ")");
                }
            } else {
                out(String.valueOf(v));
            }
        }

        /** Appends {@code s} escaped while the budget lasts. */
        private void out(String s) {
            if (cut) {
                return;
            }
            if (s.length() > left) {
                int end = Math.max(0, left);
                if (end > 0 && Character.isHighSurrogate(s.charAt(end - 1))) {
                    end--;
                }
                Html.escape(b, s, 0, end);
                b.append(Html.ELLIPSIS);
                left = 0;
                cut = true;
                return;
            }
            Html.escape(b, s, 0, s.length());
            left -= s.length();
        }

        /** A check name in a link's path: unreserved characters as they are, every other UTF-8 byte as {@code %XX}. */
        private void percentEncode(String name) {
            byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
            for (byte x : utf8) {
                int c = x & 0xff;
                if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~'
                        || c == ':') {
                    b.append((char) c);
                } else {
                    b.append('%').append("0123456789ABCDEF".charAt(c >> 4)).append("0123456789ABCDEF".charAt(c & 0xf));
                }
            }
        }

        private static boolean isScalar(Object v) {
            return !(v instanceof Map) && !(v instanceof List);
        }

        private static boolean allScalars(List<?> list) {
            for (Object o : list) {
                if (!isScalar(o)) {
                    return false;
                }
            }
            return true;
        }
    }

    /** {@code n} bytes in the largest binary unit that leaves at least 1 ({@code 5.9 GiB}). */
    static String bytes(long n) {
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return Chart.number(new StringBuilder(), Math.round(v * 10) / 10.0).append(' ').append(units[u]).toString();
    }
}
