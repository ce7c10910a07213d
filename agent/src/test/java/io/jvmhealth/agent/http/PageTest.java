package io.jvmhealth.agent.http;

import io.jvmhealth.agent.config.Details;
import io.jvmhealth.agent.health.CheckResult;
import io.jvmhealth.agent.health.Evaluator;
import io.jvmhealth.agent.health.HealthCheck;
import io.jvmhealth.agent.health.MetricFamily;
import io.jvmhealth.agent.health.Series;
import io.jvmhealth.agent.health.Snapshot;
import io.jvmhealth.agent.health.Status;
import io.jvmhealth.agent.health.checks.GcCheck;
import io.jvmhealth.agent.health.checks.HeapCheck;
import io.jvmhealth.agent.health.checks.ThreadsCheck;
import io.jvmhealth.agent.testing.StubCheck;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The page at /: escaping of what the host controls, its policy, statuses only without details, its charts. */
class PageTest {
    static final String IMG = "<img src=x onerror=alert(1)>";
    static final String QUOTES = "q\"uo'te&amp;</td></tr></table><script>alert(2)</script>";
    static final String CONTROLS = "cr\r-lf\n-tab\t-nul\u0000-bel\u0007-esc\u001b[31m-c1\u009b-del\u007f";
    static final String SEPARATORS = "sep\u2028line\u2029para-rlo\u202eevil-lone\ud800-low\udc00-emoji\ud83d\ude00";

    private final StubCheck deadlock = StubCheck.liveness("deadlock");
    private final StubCheck heap = StubCheck.readiness("heap").families(HeapCheck.USED_AFTER_GC_BYTES, HeapCheck.MAX_BYTES, MetricFamily.RATIO);
    private final StubCheck gc = StubCheck.readiness("gc").families(GcCheck.PAUSE_RATIO);
    private final StubCheck threads = StubCheck.readiness("threads").families(ThreadsCheck.LIVE);
    private final StubCheck hostile = StubCheck.readiness("rule-" + IMG);
    private final StubCheck gate = StubCheck.gate("app:" + QUOTES, false);
    private final Evaluator evaluator = new Evaluator(Arrays.<HealthCheck>asList(deadlock, heap, gc, threads, hostile, gate), 1000);

    private static String html(Answer a) {
        return new String(a.body, StandardCharsets.UTF_8);
    }

    private static Answer page(Snapshot s, boolean details) {
        byte[] head = "GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII);
        return Router.route(head, 4, 5, details, s, System.nanoTime());
    }

    /** A deadlock between threads with hostile names, a rule and a gate with hostile names and reasons. */
    private Snapshot hostileSnapshot() {
        evaluator.keepSeries(ChartedFigures.LINES);
        evaluator.evaluateOnce();
        List<Map<String, Object>> described = Arrays.asList(thread(IMG, QUOTES), thread(QUOTES, CONTROLS), thread(CONTROLS, SEPARATORS),
                thread(SEPARATORS, IMG));
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("deadlockedThreads", 4);
        details.put("threads", described);
        deadlock.set(CheckResult.of(Status.UNHEALTHY, "4 threads deadlocked: \"" + IMG + "\" waits for " + QUOTES + " " + CONTROLS
                + " " + SEPARATORS, details).with(4));
        Map<String, Object> ruleDetails = new LinkedHashMap<>();
        ruleDetails.put(IMG, QUOTES);
        ruleDetails.put("usedBytes", 6_320_816_128L);
        ruleDetails.put("values", Arrays.asList(CONTROLS, 1.5, true));
        hostile.set(CheckResult.of(Status.DEGRADED, SEPARATORS + " " + IMG, ruleDetails));
        heap.set(CheckResult.healthy(null).with(900, 1000, 0.9));
        threads.set(CheckResult.healthy(null).with(42));
        return evaluator.evaluateOnce();
    }

    private static Map<String, Object> thread(String name, String heldBy) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("name", name);
        t.put("state", "BLOCKED");
        t.put("waitingFor", "java.lang.Object@1b2c3d");
        t.put("heldBy", heldBy);
        t.put("stack", Arrays.asList("app//" + name + ".run(X.java:1)", "java.base/java.lang.Thread.run(Thread.java:840)"));
        return t;
    }

    @Test
    void everyStringTheHostControlsShowsAsTextNeverAsMarkup() {
        String page = html(page(hostileSnapshot(), true));
        assertFalse(page.contains("<img"), "no element from a name");
        assertFalse(page.contains("<script"), "no script element at all");
        assertFalse(page.contains("</td></tr></table><s"), "no markup closed by a name");
        assertTrue(page.contains("&lt;img src=x onerror=alert(1)&gt;"), "the name as text");
        assertTrue(page.contains("q&quot;uo&#39;te&amp;amp;&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;&lt;script&gt;alert(2)&lt;/script&gt;"),
                "quotes and ampersands escaped");
        assertTrue(page.contains("cr\\r-lf\\n-tab\\t-nul\\u0000-bel\\u0007-esc\\u001b[31m-c1\\u009b-del\\u007f"), "control characters visible");
        assertTrue(page.contains("sep\\u2028line\\u2029para-rlo\\u202eevil-lone\\ud800-low\\udc00-emoji\ud83d\ude00"),
                "separators, a bidi override and lone surrogates visible, a valid pair kept");
        for (int i = 0; i < page.length(); i++) {
            char c = page.charAt(i);
            assertTrue(c >= 0x20 && !(c >= 0x7f && c <= 0x9f) || c == '\n', "raw control character " + (int) c + " at " + i);
            assertTrue(c != '\u2028' && c != '\u2029' && c != '\u202e', "raw separator or override at " + i);
            assertTrue(!Character.isSurrogate(c) || Character.isHighSurrogate(c) && i + 1 < page.length()
                    && Character.isLowSurrogate(page.charAt(++i)), "lone surrogate at " + i);
        }
        assertTrue(page.contains("6320816128 (5.9 GiB)"), excerpt(page, "usedBytes"));
    }

    @Test
    void theOnlyStyleIsAllowedByItsHashAndNothingElseIs() throws Exception {
        Answer a = page(hostileSnapshot(), true);
        assertEquals(Answer.HTML, a.contentType);
        String headers = new String(a.headers, StandardCharsets.US_ASCII);
        String page = html(a);
        int from = page.indexOf("<style>") + "<style>".length();
        String style = page.substring(from, page.indexOf("</style>", from));
        String hash = "sha256-" + Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(style.getBytes(StandardCharsets.UTF_8)));
        assertEquals(hash, Page.STYLE_HASH, "the hash of the page's stylesheet");
        assertEquals("Content-Security-Policy: default-src 'none'; style-src '" + hash + "'; img-src data:; base-uri 'none'; "
                + "form-action 'none'; frame-ancestors 'none'\r\n", headers);
        assertEquals(1, count(page, "<style"), "one stylesheet");
        assertFalse(page.contains(" style="), "no style attribute (the policy would block it)");
        assertFalse(page.contains("<script") || page.contains("<img") || page.contains("<iframe") || page.contains("src=\"")
                || page.contains("url("), "nothing to fetch, nothing to run");
        assertEquals(1, count(page, "<link"), "the icon alone");
        assertTrue(page.contains("<link rel=\"icon\" href=\"data:image/svg+xml,%3Csvg "), "an inline icon (img-src data:)");

        ResponseWriter writer = new ResponseWriter();
        ByteBuffer out = writer.write(a.code, a.contentType, a.body, a.headers, ResponseWriter.ConnectionHeader.NONE, false);
        byte[] bytes = new byte[out.remaining()];
        out.get(bytes);
        String head = new String(bytes, StandardCharsets.UTF_8);
        assertTrue(head.startsWith("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nCache-Control: no-store\r\n"
                + "X-Content-Type-Options: nosniff\r\nContent-Length: " + a.body.length + "\r\nContent-Security-Policy: default-src 'none'; "),
                head);
        assertTrue(head.endsWith("frame-ancestors 'none'\r\n\r\n"), "HEAD: the head alone");
    }

    @Test
    void withoutDetailsStatusesOnly() {
        Snapshot s = hostileSnapshot();
        String page = html(page(s, false));
        assertTrue(page.contains("JVM health: unhealthy"), excerpt(page, "<h1>"));
        assertTrue(page.contains("deadlock") && page.contains("heap") && page.contains("&lt;img src=x onerror=alert(1)&gt;"), "names shown");
        assertTrue(page.contains("<span class=\"st unhealthy\">unhealthy</span>") && page.contains("<span class=\"st degraded\">degraded</span>"));
        assertTrue(page.contains("<span class=\"st waiting\">waiting</span>"), "the gate, waiting");
        assertFalse(page.contains("deadlocked"), "no reason");
        assertFalse(page.contains("BLOCKED") || page.contains("java.lang.Object@") || page.contains("5.9 GiB"), "no details");
        assertFalse(page.contains("<svg"), "no chart: its figures are the host's");
        assertTrue(page.contains("Charts are hidden"), excerpt(page, "The last hour"));
        assertTrue(page.contains("healthy</span></td><td class=\"nowrap\"><span class=\"st unhealthy\">unhealthy"), "transitions without reasons");

        String full = html(page(s, true));
        assertTrue(full.contains("4 threads deadlocked") && full.contains("BLOCKED") && full.contains("<svg"), "with details: all of it");
    }

    @Test
    void renderedOncePerSnapshotAndVariant() {
        Snapshot s = hostileSnapshot();
        Answer first = page(s, true);
        assertSame(first, page(s, true));
        assertNotSame(first, page(s, false));
        assertSame(page(s, false), page(s, false));
        Snapshot next = evaluator.evaluateOnce();
        assertNotSame(first, page(next, true));
        byte[] head = "GET /?refresh=1 HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII);
        assertSame(page(next, true), Router.route(head, 4, 14, true, next, System.nanoTime()), "a query changes nothing");
    }

    @Test
    void aCheckWithHugeDetailsIsCutAndSaysWhere() {
        StringBuilder big = new StringBuilder();
        Map<String, Object> details = new LinkedHashMap<>();
        for (int i = 0; i < 150; i++) {
            details.put("key" + i, "v" + i + big.append('x'));
        }
        StringBuilder reason = new StringBuilder();
        while (reason.length() < 5050) {
            reason.append("reason ");
        }
        reason.setLength(5050);
        threads.set(CheckResult.of(Status.DEGRADED, reason.toString(), details).with(1));
        evaluator.keepSeries(ChartedFigures.LINES);
        String page = html(page(evaluator.evaluateOnce(), true));
        assertTrue(page.contains("Cut at 6000 characters: all of it at <a href=\"/health/threads\">/health/threads</a>"), excerpt(page, "Cut at"));
        assertTrue(page.contains("\u2026 (5050 characters)"), "a reason is cut at 600 characters and says how long it was");
        assertTrue(page.length() < 30_000, "bounded: " + page.length());
    }

    @Test
    void chartsAreSvgPathsOfTheSeriesOverTheLastHour() {
        long end = 10_000_000_000L;
        long start = end - Series.SPAN_MILLIS;
        long[] times = {start - 5_000, start, start + 5_000, start + 10_000, start + 15_000, start + 20_000, start + 60_000, start + 65_000,
                start + 200_000};
        float[] values = {0.9f, 0.5f, 0.25f, Float.NaN, 1.0f, 0f, 0.5f, 1.5f, 0.75f};
        Series.Points points = new Series.Points(times, new float[][] {values}, 5_000);
        assertEquals("M56 106 L56.8 148 M58.4 22 L59.2 190 M65.5 106 L66.3 22 M87.6 64 h0", Chart.path(points, 0, start, 1),
                "before the hour: left out; NaN and gaps over 2.5 steps: a new segment; above the axis: clamped; one point: a dot");
        assertEquals(1, Chart.top(points, 0, start, Chart.Unit.PERCENT_OF_ONE), 0);
        assertEquals(1, Chart.top(points, 0, start, Chart.Unit.PERCENT_SCALED), 0, "at most 100 %");
        assertEquals(0.02, Chart.top(new Series.Points(new long[] {start}, new float[][] {{0.013f}}, 5_000), 0, start,
                Chart.Unit.PERCENT_SCALED), 1e-9);
        assertEquals(0.01, Chart.top(new Series.Points(new long[] {start}, new float[][] {{0.0039f}}, 5_000), 0, start,
                Chart.Unit.PERCENT_SCALED), 1e-9, "1 % at least");
        assertEquals(60, Chart.top(new Series.Points(new long[] {start}, new float[][] {{45}}, 5_000), 0, start, Chart.Unit.COUNT), 1e-9);

        StringBuilder svg = new StringBuilder();
        Chart.svg(svg, points, 0, end, Chart.Unit.PERCENT_OF_ONE, "% of max heap", "none");
        String s = svg.toString();
        assertTrue(s.startsWith("<svg class=\"chart\" viewBox=\"0 0 640 220\" role=\"img\" aria-label=\"% of max heap, last hour\">"), s);
        assertTrue(s.contains("<path class=\"line\" d=\"M56 106 L56.8 148 "), s);
        assertTrue(s.contains(">100 %</text>") && s.contains(">50 %</text>") && s.contains(">0 %</text>"), "y axis labels: " + s);
        assertTrue(s.contains(">% of max heap</text>"), "the y axis says what it measures");
        assertTrue(s.contains("<circle class=\"now\" cx=\"87.6\" cy=\"64\" r=\"3.5\"/>"), "the newest point marked: " + s);
        assertTrue(s.contains(">16:46</text>") && s.contains(">17:46 UTC</text>"), "x axis labels in UTC: " + s);

        StringBuilder empty = new StringBuilder();
        Chart.svg(empty, new Series.Points(new long[] {start}, new float[][] {{Float.NaN}}, 5_000), 0, end, Chart.Unit.PERCENT_OF_ONE,
                "% of limit", "no memory limit");
        assertTrue(empty.toString().contains(">no memory limit</text>") && !empty.toString().contains("<path"), empty.toString());
    }

    @Test
    void theServerAsksForTheSeriesUnlessDetailsAreNever() throws Exception {
        for (Details policy : Details.values()) {
            Evaluator e = new Evaluator(Arrays.<HealthCheck>asList(StubCheck.readiness("threads").families(ThreadsCheck.LIVE)), 1000);
            HealthServer server = HealthServer.serve(ListeningSocket.bind("127.0.0.1", 0), e, policy, null);
            try {
                Snapshot s = e.evaluateOnce();
                assertEquals(policy != Details.NEVER, s.series() != null, policy.toString());
                assertEquals(policy != Details.NEVER, s.seriesPoints() != null && s.seriesPoints().size() == 1, policy.toString());
            } finally {
                server.stop();
            }
        }
    }

    @Test
    void escapingAlone() {
        assertEquals("&lt;b&gt;&amp;&quot;&#39;\\n\\u2028\\ud800x\ud83d\ude00",
                Html.text(new StringBuilder(), "<b>&\"'\n\u2028\ud800x\ud83d\ude00").toString());
        assertEquals("abc\u2026 (5 characters)", Html.text(new StringBuilder(), "abcde", 3).toString());
        assertEquals("a\u2026 (4 characters)", Html.text(new StringBuilder(), "a\ud83d\ude00b", 2).toString(), "a pair is never split");
    }

    /** 300 characters of {@code page} around {@code what} (or its start), for a failure's message. */
    static String excerpt(String page, String what) {
        int at = Math.max(0, page.indexOf(what));
        return page.substring(Math.max(0, at - 100), Math.min(page.length(), at + 200));
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }
}
