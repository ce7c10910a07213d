package io.jvmhealth.agent.it;

import io.jvmhealth.agent.testing.Http;
import io.jvmhealth.agent.testing.Json;
import io.jvmhealth.agent.testing.Poll;
import io.jvmhealth.agent.testing.TargetJvm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 12, item 2, over real HTTP: {@code ?verbose}, {@code ?exclude=} and {@code /health/<check>}
 * as the contract says, on a host whose {@code threads} check is unhealthy (its limit set below
 * the host's thread count) and whose other checks are healthy.
 */
class QueryConventionsIT {
    private static TargetJvm target;
    private static String url;

    @BeforeAll
    static void startHostWithAnUnhealthyThreadsCheck() throws Exception {
        target = TargetJvm.builder().agent("port=0,interval=200ms,checks=deadlock,heap,gc,threads,threads.degraded=4,threads.unhealthy=5").commands("work").start();
        url = target.agentUrl(Duration.ofSeconds(20));
        Poll.until("/started to answer 200", Duration.ofSeconds(15), () -> Http.get(url, "/started"), r -> r.status == 200);
    }

    @AfterAll
    static void stop() {
        if (target != null) {
            target.close();
        }
    }

    @Test
    void verboseIsKubeStyleTextWithTheSameStatusCode() throws Exception {
        Http.Response ready = Http.get(url, "/ready?verbose");
        assertEquals(503, ready.status, ready.toString());
        assertEquals("text/plain; charset=utf-8", ready.header("Content-Type"));
        assertEquals("no-store", ready.header("Cache-Control"));
        String[] lines = ready.body.split("\n");
        assertEquals(Arrays.asList("[+]deadlock ok", "[+]heap ok", "[+]gc ok"), Arrays.asList(lines).subList(0, 3), ready.body);
        assertTrue(lines[3].matches("\\[-]threads failed: \\d+ live threads \\(unhealthy at 5\\)"), ready.body);
        assertEquals("/ready check failed", lines[4], ready.body);
        assertEquals(5, lines.length, ready.body);
        assertEquals(Http.get(url, "/ready").status, ready.status);

        Http.Response live = Http.get(url, "/live?verbose");
        assertEquals(200, live.status);
        assertEquals("[+]deadlock ok\n/live check passed\n", live.body);
    }

    @Test
    void excludeLeavesTheCheckOutAndNamesUnknownNamesInAWarning() throws Exception {
        Http.Response ready = Http.get(url, "/ready?exclude=threads");
        assertEquals(200, ready.status, ready.toString());
        Map<String, Object> body = ready.json();
        assertEquals("healthy", body.get("status"));
        assertEquals(null, Json.at(body, "checks", "threads"), ready.body);
        assertEquals("healthy", Json.at(body, "checks", "heap", "status"), ready.body);

        Http.Response verbose = Http.get(url, "/ready?verbose&exclude=threads&exclude=bogus");
        assertEquals(200, verbose.status, verbose.toString());
        assertEquals("[+]deadlock ok\n[+]heap ok\n[+]gc ok\nwarn: some health checks cannot be excluded: no matches for \"bogus\"\n"
                + "/ready check passed\n", verbose.body);

        assertEquals(200, Http.get(url, "/health?exclude=threads").status);
        assertEquals(503, Http.get(url, "/health?exclude=bogus&unknown=1").status);
        assertEquals(503, Http.get(url, "/health").status);
    }

    @Test
    void eachCheckHasItsOwnPathAndOtherNamesAre404() throws Exception {
        Http.Response heap = Http.get(url, "/health/heap");
        assertEquals(200, heap.status, heap.toString());
        assertEquals("application/json", heap.header("Content-Type"));
        assertEquals("healthy", heap.json().get("status"));
        assertTrue(((Number) Json.at(heap.json(), "details", "maxBytes")).longValue() > 0, heap.body);

        Http.Response threads = Http.get(url, "/health/threads");
        assertEquals(503, threads.status, threads.toString());
        assertEquals("unhealthy", threads.json().get("status"));
        assertTrue(String.valueOf(threads.json().get("reason")).contains("(unhealthy at 5)"), threads.body);

        Http.Response verbose = Http.get(url, "/health/threads?verbose");
        assertEquals(503, verbose.status);
        assertTrue(verbose.body.endsWith("\n/health/threads check failed\n"), verbose.body);

        Http.Response missing = Http.get(url, "/health/bogus");
        assertEquals(404, missing.status, missing.toString());
        assertEquals(404, Http.head(url, "/health/bogus").status);
        assertEquals(200, Http.head(url, "/health/heap").status);
    }
}
