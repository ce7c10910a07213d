package io.jvmhealth.agent.it;

import io.jvmhealth.agent.testing.Chromium;
import io.jvmhealth.agent.testing.Http;
import io.jvmhealth.agent.testing.Poll;
import io.jvmhealth.agent.testing.TargetJvm;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The page at {@code /} in a real browser (headless Chromium) from a real agent on sample-target: every check's
 * name and status and the deadlock's transition are in the rendered DOM; threads with hostile names (markup,
 * quotes, control characters) deadlocked in pairs show as text and inject no element; the browser's console
 * reports no Content-Security-Policy violation (where a page that breaks its policy is reported); the page's classes are loaded by the first request for
 * {@code /}, not before. Keeps a screenshot at {@code agent/target/page.png}. Skips, saying so, without Chromium.
 */
class PageIT {
    /** The page's classes, as {@code -Xlog:class+load} names them (followed by a space). */
    private static final List<String> PAGE_CLASSES = Arrays.asList("io.jvmhealth.agent.http.Page ", "io.jvmhealth.agent.http.PageHtml ",
            "io.jvmhealth.agent.http.Chart ", "io.jvmhealth.agent.http.Html ");

    @Test
    void aPersonSeesEveryCheckAndTheHostileThreadNamesAsTextInARealBrowser() throws Exception {
        Chromium.require();
        try (TargetJvm target = TargetJvm.builder().jvmArgs("-Xlog:class+load=info").agent("port=0,interval=500ms").commands("work").start()) {
            String url = target.agentUrl(Duration.ofSeconds(20));
            Poll.until("/started 200", Duration.ofSeconds(15), () -> Http.get(url, "/started"), r -> r.status == 200);
            for (String path : Arrays.asList("/live", "/ready", "/health", "/health?verbose", "/health/heap", "/health/history", "/metrics",
                    "/nope")) {
                Http.get(url, path);
            }
            Object first = Http.get(url, "/health").json().get("timestamp");
            Poll.until("a later evaluation", Duration.ofSeconds(10), () -> Http.get(url, "/health").json().get("timestamp"),
                    t -> !t.equals(first));
            assertEquals(new ArrayList<String>(), loaded(target), "no page class before the first request for /");

            Http.Response head = Http.head(url, "/");
            assertEquals(200, head.status);
            assertEquals("text/html; charset=utf-8", head.header("Content-Type"));
            assertEquals("no-store", head.header("Cache-Control"));
            assertEquals("nosniff", head.header("X-Content-Type-Options"));
            String csp = head.header("Content-Security-Policy");
            assertTrue(csp.startsWith("default-src 'none'; style-src 'sha256-") && csp.endsWith("; img-src data:; base-uri 'none'; "
                    + "form-action 'none'; frame-ancestors 'none'"), csp);
            assertEquals("", head.body);
            Poll.until("the page's classes loaded by the first request", Duration.ofSeconds(5), () -> loaded(target),
                    l -> l.size() == PAGE_CLASSES.size());

            target.run("hostile", Duration.ofSeconds(15));
            Poll.until("/live 503", Duration.ofSeconds(15), () -> Http.get(url, "/live"), r -> r.status == 503);
            Map<String, Object> health = Poll.until("/health with the deadlock", Duration.ofSeconds(5), () -> Http.get(url, "/health").json(),
                    h -> String.valueOf(h.get("checks")).contains("onerror"));

            Chromium.Result dom = Chromium.dumpDom(url);
            System.out.println("[PageIT] chromium --dump-dom: " + dom.millis + " ms, exit " + dom.exit + ", " + dom.stdout.length() + " characters");
            assertEquals(0, dom.exit, dom.toString());
            String html = dom.stdout;
            assertTrue(html.contains("<h1>JVM health: unhealthy</h1>"), excerpt(html, "<h1>"));
            @SuppressWarnings("unchecked")
            Map<String, Map<String, Object>> checks = (Map<String, Map<String, Object>>) health.get("checks");
            assertTrue(checks.keySet().containsAll(Arrays.asList("deadlock", "heap", "gc", "threads")), checks.keySet().toString());
            for (Map.Entry<String, Map<String, Object>> c : checks.entrySet()) {
                String row = "<td class=\"name\">" + c.getKey() + "</td><td class=\"nowrap\"><span class=\"st " + c.getValue().get("status")
                        + "\">" + c.getValue().get("status") + "</span>";
                assertTrue(html.contains(row), "check " + c.getKey() + " with its status: " + excerpt(html, ">" + c.getKey() + "<"));
            }
            assertTrue(html.contains("<td class=\"name\">deadlock</td><td class=\"nowrap\"><span class=\"st healthy\">healthy</span></td>"
                    + "<td class=\"nowrap\"><span class=\"st unhealthy\">unhealthy</span></td>"), "the deadlock's transition: "
                    + excerpt(html, "Recent transitions"));

            assertTrue(html.contains("&lt;img src=x onerror=alert(1)&gt;"), "a thread named <img ...> shows as text");
            assertTrue(html.contains("\"&gt;&lt;script&gt;alert(2)&lt;/script&gt;&lt;b title='&amp;amp;"), "a thread named <script> too");
            assertTrue(html.contains("cr\\r[jvm-health] INFO forged line \\u001b[31mred\\u001b[0m"), "control characters visible");
            assertTrue(html.contains("sep\\u2028line\\u2029para-nul\\u0000-bel\\u0007-c1\\u009b-del\\u007f"), excerpt(html, "sep\\u2028"));
            assertFalse(html.contains("<img") || html.contains("<script") || html.contains("<b title"), "no element from a name");
            List<String> console = dom.consoleLines();
            assertTrue(console.isEmpty(), "the console is quiet: nothing blocked by the policy, no error: " + console);
            Chromium.Result control = Chromium.dumpDom("data:text/html,<meta http-equiv=\"Content-Security-Policy\" "
                    + "content=\"default-src 'none'\"><p style=\"color:red\">blocked</p>");
            assertTrue(control.consoleLines().toString().contains("Content Security Policy"),
                    "the console is read: a page whose style attribute its policy blocks says so there: " + control);

            Path png = Paths.get("target", "page.png");
            Chromium.Result shot = Chromium.screenshot(url, png, 1280, 2000);
            System.out.println("[PageIT] chromium --screenshot: " + shot.millis + " ms -> " + png.toAbsolutePath());
            assertTrue(Files.size(png) > 20_000, "a screenshot with something in it: " + Files.size(png) + " bytes");
            assertTrue(shot.consoleLines().isEmpty(), shot.toString());
        }
    }

    private static List<String> loaded(TargetJvm target) {
        List<String> loaded = new ArrayList<>();
        for (String line : target.stdoutLines()) {
            for (String c : PAGE_CLASSES) {
                if (line.contains(c)) {
                    loaded.add(c.trim());
                }
            }
        }
        return loaded;
    }

    private static String excerpt(String html, String what) {
        int at = Math.max(0, html.indexOf(what));
        return html.substring(Math.max(0, at - 200), Math.min(html.length(), at + 400));
    }
}
