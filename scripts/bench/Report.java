import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the benchmark's raw samples into the markdown tables: every metric as median (min-max) and
 * as a ratio to the floor agent, then the targets of issue 5 with the measured figure and whether
 * each is met. Usage: {@code Report SAMPLES.tsv HYPERFINE.json...} (markdown on stdout).
 * SAMPLES.tsv lines are {@code metric TAB subject TAB value}; a value "NA" means "not measurable".
 */
public final class Report {
    static final String[] SUBJECTS = {"none", "empty", "floor", "ours", "jolokia", "jmx"};
    static final String[] TITLES = {"no agent", "empty agent", "floor agent", "**ours**", "Jolokia", "jmx_exporter"};
    static final String FLOOR = "floor";

    final Map<String, Map<String, List<Double>>> samples = new LinkedHashMap<>();
    final StringBuilder md = new StringBuilder();

    public static void main(String[] args) throws Exception {
        Report r = new Report();
        for (String line : Files.readAllLines(Paths.get(args[0]), StandardCharsets.UTF_8)) {
            String[] f = line.split("\t");
            if (f.length == 3) {
                r.add(f[0], f[1], f[2].equals("NA") ? Double.NaN : Double.parseDouble(f[2]));
            }
        }
        for (int i = 1; i < args.length; i++) {
            r.hyperfine(new String(Files.readAllBytes(Paths.get(args[i])), StandardCharsets.UTF_8));
        }
        r.derive();
        r.render();
        System.out.print(r.md);
    }

    void add(String metric, String subject, double value) {
        samples.computeIfAbsent(metric, k -> new LinkedHashMap<>()).computeIfAbsent(subject, k -> new ArrayList<>()).add(value);
    }

    /** hyperfine --export-json: each result's "command" (its -n name) and "times" in seconds. */
    void hyperfine(String json) {
        Matcher m = Pattern.compile("\"command\"\\s*:\\s*\"([^\"]+)\"(.*?)\"times\"\\s*:\\s*\\[([^\\]]*)\\]", Pattern.DOTALL).matcher(json);
        while (m.find()) {
            for (String t : m.group(3).split(",")) {
                if (!t.trim().isEmpty()) {
                    add("hello_ms", m.group(1), Double.parseDouble(t.trim()) * 1000);
                }
            }
        }
    }

    void derive() {
        Map<String, List<Double>> rss = samples.get("rss_kb");
        if (rss != null) {
            for (Map.Entry<String, List<Double>> e : rss.entrySet()) {
                for (double v : e.getValue()) {
                    add("rss_mb", e.getKey(), v / 1024);
                }
            }
        }
    }

    double median(String metric, String subject) {
        List<Double> v = values(metric, subject);
        return v == null ? Double.NaN : pct(v, 50);
    }

    List<Double> values(String metric, String subject) {
        Map<String, List<Double>> m = samples.get(metric);
        List<Double> v = m == null ? null : m.get(subject);
        if (v == null || v.isEmpty() || v.stream().anyMatch(d -> d.isNaN())) {
            return null;
        }
        return v;
    }

    static double pct(List<Double> values, double p) {
        double[] a = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(a);
        if (p == 50) {
            return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
        }
        return a[Math.min(a.length - 1, (int) Math.ceil(p / 100 * a.length) - 1)];
    }

    void render() {
        md.append("| metric | ").append(String.join(" | ", TITLES)).append(" |\n");
        md.append("| --- |").append(" ---: |".repeat(SUBJECTS.length)).append("\n");
        section("Start-up");
        row("Hello wall time, ms (hyperfine)", "hello_ms", 0);
        row("launch to first 200, ms", "first200_ms", 0);
        section("Idle, 5 s after launch");
        row("RSS, MB", "rss_mb", 1);
        added("RSS added over no agent, MB", "rss_mb", 1);
        row("threads", "threads", 0);
        added("threads added over no agent", "threads", 0);
        for (String ep : new String[] {"live", "health"}) {
            for (String mode : new String[] {"ka", "close"}) {
                String what = "/" + ep + (mode.equals("ka") ? " keep-alive" : " new connection each");
                section(what + " (wrk)");
                row("requests/s", "rps_" + ep + "_" + mode, 0);
                row("p50 latency, ms", "p50_" + ep + "_" + mode, 3);
                row("p99 latency, ms", "p99_" + ep + "_" + mode, 3);
                row("host CPU per 1,000 requests, ms", "cpu1k_" + ep + "_" + mode, 0);
                row("socket errors + non-2xx", "errors_" + ep + "_" + mode, 0);
            }
        }
        if (samples.containsKey("slow_ok")) {
            section("Many-address slow clients (SlowClients: 400 addresses holding half-sent heads, 100 probes)");
            row("probes 200 within 1 s, of 100", "slow_ok", 0);
            row("probe p50, ms", "slow_p50_ms", 1);
            row("slowest probe, ms", "slow_max_ms", 0);
            row("slow clients dropped by the server and re-opened", "slow_reconnects", 0);
        }
        section("One evaluation, CPU time in the JVM (caller + VM Thread)");
        for (String n : new String[] {"100", "1000", "10000"}) {
            evalRow("evaluation at " + n + " threads, us: p50 / p90", "eval_cpu_us_" + n);
            evalRow("deadlock check alone at " + n + " threads, us: p50 / p90", "deadlock_cpu_us_" + n);
        }
        section("Attach");
        row("`attach` to first 200 on a running JVM, ms", "attach_ms", 0);
        md.append("\nCells: median (min–max) ×ratio to the floor agent; \"–\": not applicable to that subject.\n\n");
        targets();
    }

    void section(String title) {
        md.append("| *").append(title).append("* |").append(" |".repeat(SUBJECTS.length)).append("\n");
    }

    void row(String label, String metric, int decimals) {
        if (!samples.containsKey(metric)) {
            return;
        }
        md.append("| ").append(label).append(" |");
        double floor = median(metric, FLOOR);
        for (String s : SUBJECTS) {
            Map<String, List<Double>> m = samples.get(metric);
            List<Double> raw = m.get(s);
            List<Double> v = values(metric, s);
            if (raw != null && v == null) {
                md.append(" n/a").append(metric.equals("attach_ms") ? " (attach CLI not built)" : "").append(" |");
                continue;
            }
            if (v == null) {
                md.append(" – |");
                continue;
            }
            double med = pct(v, 50);
            md.append(' ').append(s.equals("ours") ? "**" : "").append(fmt(med, decimals)).append(s.equals("ours") ? "**" : "")
                    .append(" (").append(fmt(pct(v, 0.0001), decimals)).append("–").append(fmt(pct(v, 100), decimals)).append(")");
            if (!Double.isNaN(floor) && floor != 0) {
                md.append(" ×").append(fmt(med / floor, 2));
            }
            md.append(" |");
        }
        md.append("\n");
    }

    void added(String label, String metric, int decimals) {
        double none = median(metric, "none");
        double floorAdded = median(metric, FLOOR) - none;
        md.append("| ").append(label).append(" |");
        for (String s : SUBJECTS) {
            double a = median(metric, s) - none;
            if (Double.isNaN(a) || s.equals("none")) {
                md.append(" – |");
                continue;
            }
            md.append(' ').append(s.equals("ours") ? "**" : "").append(fmt(a, decimals)).append(s.equals("ours") ? "**" : "");
            if (floorAdded != 0 && !Double.isNaN(floorAdded)) {
                md.append(" ×").append(fmt(a / floorAdded, 2));
            }
            md.append(" |");
        }
        md.append("\n");
    }

    void evalRow(String label, String metric) {
        List<Double> v = values(metric, "ours");
        if (v == null) {
            return;
        }
        md.append("| ").append(label).append(" |");
        for (String s : SUBJECTS) {
            md.append(s.equals("ours") ? " **" + fmt(pct(v, 50), 0) + "** / " + fmt(pct(v, 90), 0) + " (" + v.size() + " runs)" : " –").append(" |");
        }
        md.append("\n");
    }

    void targets() {
        if (!samples.containsKey("hello_ms")) { // BENCH_ONLY=connections: issue 5's targets were not measured
            connectionTargets();
            return;
        }
        md.append("| target (issue 5) | measured (medians) | met |\n| --- | --- | :---: |\n");
        ratio("Hello wall ≤ 1.10 × empty agent's", "hello_ms", "empty", 1.10, true, 0);
        ratio("first 200 ≤ 0.75 × floor's", "first200_ms", FLOOR, 0.75, true, 0);
        ratio("first 200 ≤ 0.35 × Jolokia's", "first200_ms", "jolokia", 0.35, true, 0);
        double none = median("rss_mb", "none");
        check("RSS added ≤ 0.75 × floor's added", median("rss_mb", "ours") - none, median("rss_mb", FLOOR) - none, 0.75, true, 1, " MB");
        double threadsAdded = median("threads", "ours") - median("threads", "none");
        target("threads added at idle ≤ 3", fmt(threadsAdded, 0), threadsAdded <= 3);
        ratio("/live keep-alive requests/s ≥ 1.0 × floor's", "rps_live_ka", FLOOR, 1.0, false, 0);
        ratio("/live new-connection requests/s ≥ 1.0 × floor's", "rps_live_close", FLOOR, 1.0, false, 0);
        ratio("/live keep-alive p99 ≤ floor's", "p99_live_ka", FLOOR, 1.0, true, 3);
        ratio("/live new-connection p99 ≤ floor's", "p99_live_close", FLOOR, 1.0, true, 3);
        ratio("host CPU per 1,000 new-connection probes ≤ 1.0 × floor's", "cpu1k_live_close", FLOOR, 1.0, true, 0);
        limit("one evaluation ≤ 1 ms CPU at 1,000 threads (p50)", "eval_cpu_us_1000", 1000, " us");
        limit("one evaluation ≤ 20 ms CPU at 10,000 threads (p50)", "eval_cpu_us_10000", 20000, " us");
        limit("`attach` to first 200 ≤ 1 s (median)", "attach_ms", 1000, " ms");
        connectionTargets();
    }

    /** Issue 11 (docs/connections.md): 8 connections from one address, socket errors, many addresses. */
    void connectionTargets() {
        md.append(samples.containsKey("hello_ms") ? "\n" : "").append("| target (issue 11) | measured (medians) | met |\n| --- | --- | :---: |\n");
        ratio("/live keep-alive requests/s ≥ 1.5 × floor's (8 connections)", "rps_live_ka", FLOOR, 1.5, false, 0);
        ratio("/live keep-alive p99 ≤ floor's", "p99_live_ka", FLOOR, 1.0, true, 3);
        ratio("/live new-connection requests/s ≥ 1.0 × floor's (8 connections)", "rps_live_close", FLOOR, 1.0, false, 0);
        ratio("host CPU per 1,000 new-connection probes ≤ 0.8 × floor's", "cpu1k_live_close", FLOOR, 0.8, true, 0);
        double errors = 0;
        boolean measured = false;
        for (String metric : samples.keySet()) {
            List<Double> v = metric.startsWith("errors_") ? values(metric, "ours") : null;
            if (v != null) {
                measured = true;
                for (double d : v) {
                    errors += d;
                }
            }
        }
        target("0 socket errors (all wrk runs of ours, summed)", measured ? fmt(errors, 0) : "not measured", measured && errors == 0);
        double threadsAdded = median("threads", "ours") - median("threads", "none");
        target("threads added at idle ≤ 3", Double.isNaN(threadsAdded) ? "not measured" : fmt(threadsAdded, 0), threadsAdded <= 3);
        List<Double> slow = values("slow_ok", "ours");
        List<Double> slowFloor = values("slow_ok", FLOOR);
        target("many-address slow clients: ≥ 99 of 100 probes 200 within 1 s",
                slow == null ? "not measured" : fmt(pct(slow, 50), 0) + " (floor: " + (slowFloor == null ? "–" : fmt(pct(slowFloor, 50), 0)) + ")",
                slow != null && pct(slow, 50) >= 99);
    }

    void ratio(String label, String metric, String reference, double max, boolean lowerIsBetter, int decimals) {
        check(label, median(metric, "ours"), median(metric, reference), max, lowerIsBetter, decimals, "");
    }

    void check(String label, double ours, double ref, double factor, boolean lowerIsBetter, int decimals, String unit) {
        if (Double.isNaN(ours) || Double.isNaN(ref)) {
            target(label, "not measured", false);
            return;
        }
        double r = ours / ref;
        boolean met = lowerIsBetter ? r <= factor : r >= factor;
        target(label, fmt(ours, decimals) + unit + " vs " + fmt(ref, decimals) + unit + " = ×" + fmt(r, 2), met);
    }

    void limit(String label, String metric, double max, String unit) {
        double m = median(metric, "ours");
        Map<String, List<Double>> raw = samples.get(metric);
        if (Double.isNaN(m)) {
            target(label, raw != null && raw.containsKey("ours") ? "n/a (attach CLI not built)" : "not measured", false);
            return;
        }
        target(label, fmt(m, 0) + unit, m <= max);
    }

    void target(String label, String measured, boolean met) {
        md.append("| ").append(label).append(" | ").append(measured).append(" | ").append(met ? "yes" : "**no**").append(" |\n");
    }

    static String fmt(double v, int decimals) {
        return String.format(Locale.ROOT, "%,." + decimals + "f", v);
    }
}
