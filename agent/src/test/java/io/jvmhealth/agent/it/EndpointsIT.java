package io.jvmhealth.agent.it;

import io.jvmhealth.agent.testing.Http;
import io.jvmhealth.agent.testing.Json;
import io.jvmhealth.agent.testing.Poll;
import io.jvmhealth.agent.testing.TargetJvm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A healthy host with the agent: every endpoint, method and path answers as the contract says. */
class EndpointsIT {
    private static TargetJvm target;
    private static String url;

    @BeforeAll
    static void startHealthyHost() throws Exception {
        target = TargetJvm.builder().agent("port=0,interval=200ms").commands("work").start();
        url = target.agentUrl(Duration.ofSeconds(20));
        Poll.until("/started to answer 200", Duration.ofSeconds(10), () -> Http.get(url, "/started"), r -> r.status == 200);
    }

    @AfterAll
    static void stop() {
        if (target != null) {
            target.close();
        }
    }

    @Test
    void allFourEndpointsAnswer200WithContractJson() throws Exception {
        for (String path : Arrays.asList("/live", "/ready", "/started", "/health")) {
            Http.Response r = Http.get(url, path);
            assertEquals(200, r.status, path + ": " + r);
            assertEquals("application/json", r.header("Content-Type"), path);
            assertEquals("no-store", r.header("Cache-Control"), path);
            Map<String, Object> body = r.json();
            assertEquals("healthy", body.get("status"), path + ": " + r.body);
            assertTrue(String.valueOf(body.get("timestamp")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"), path + ": " + r.body);
        }
    }

    @Test
    void healthNamesEveryBuiltInCheckWithItsDetails() throws Exception {
        Map<String, Object> body = Http.get(url, "/health").json();
        for (String check : Arrays.asList("deadlock", "heap", "gc", "threads", "memory", "fds", "cpu", "vthreads", "gc-spiral")) {
            assertEquals("healthy", Json.at(body, "checks", check, "status"), check + " in " + body);
            assertEquals(null, Json.at(body, "checks", check, "reason"), "a healthy check has no reason: " + body);
        }
        assertTrue(((Number) Json.at(body, "checks", "heap", "details", "maxBytes")).longValue() > 0, body.toString());
        assertNotNull(Json.at(body, "checks", "gc", "details", "pauseFraction"), body.toString());
        assertEquals(60L, Json.at(body, "checks", "gc", "details", "windowSeconds"), body.toString());
        long live = ((Number) Json.at(body, "checks", "threads", "details", "live")).longValue();
        assertTrue(live > 3 && live < 100, body.toString());
    }

    @Test
    void liveReportsOnlyTheLivenessChecks() throws Exception {
        Map<String, Object> body = Http.get(url, "/live").json();
        // no recognized server here, so no hang check: the deadlock and the GC death spiral decide liveness
        assertEquals(Arrays.asList("deadlock", "gc-spiral"), Arrays.asList(((Map<?, ?>) body.get("checks")).keySet().toArray()), body.toString());
    }

    @Test
    void headAnswersLikeGetWithoutBody() throws Exception {
        for (String path : Arrays.asList("/live", "/ready", "/started", "/health")) {
            Http.Response get = Http.get(url, path);
            Http.Response head = Http.head(url, path);
            assertEquals(get.status, head.status, path);
            assertEquals("", head.body, path);
            assertEquals("application/json", head.header("Content-Type"), path);
            assertTrue(Integer.parseInt(head.header("Content-Length")) > 0, path);
        }
    }

    @Test
    void unknownPathsAre404() throws Exception {
        for (String path : Arrays.asList("/index.html", "/livez", "/live/", "/LIVE", "/metrics/", "/../live", "/%6Cive", "/health/", "/health/nope",
                "/health/..%2Flive", "/health/heap/")) {
            Http.Response r = Http.get(url, path);
            assertEquals(404, r.status, path + ": " + r);
            assertEquals("application/json", r.header("Content-Type"), path);
        }
        assertEquals(200, Http.get(url, "/live?verbose=1").status, "a query string does not change the path");
    }

    @Test
    void otherMethodsAre405WithAllow() throws Exception {
        List<String> methods = Arrays.asList("POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT", "BREW");
        for (String method : methods) {
            Http.Response r = Http.request(url, method, "/live", "");
            assertEquals(405, r.status, method + ": " + r);
            assertEquals("GET, HEAD", r.header("Allow"), method);
        }
    }

    @Test
    void requestBodiesAreRefusedWithoutBeingRead() throws Exception {
        Http.Response post = Http.request(url, "POST", "/live", "Content-Length: 5\r\n");
        assertEquals(405, post.status, post.toString());
        Http.Response getWithBody = Http.request(url, "GET", "/live", "Content-Length: 100000000\r\n");
        assertEquals(413, getWithBody.status, getWithBody.toString());
        assertEquals(200, Http.get(url, "/live").status, "the server keeps serving");
    }

    @Test
    void answersTheSameOnJdk25() throws Exception {
        try (TargetJvm jdk25 = TargetJvm.builder().java(io.jvmhealth.agent.testing.Jdks.requireJava25())
                .agent("port=0,interval=200ms").commands("work").start()) {
            String url25 = jdk25.agentUrl(Duration.ofSeconds(20));
            Poll.until("/started 200 on JDK 25", Duration.ofSeconds(10), () -> Http.get(url25, "/started"), r -> r.status == 200);
            for (String path : Arrays.asList("/live", "/ready", "/started", "/health")) {
                Http.Response r = Http.get(url25, path);
                assertEquals(200, r.status, path + ": " + r);
                assertEquals("healthy", r.json().get("status"), path + ": " + r.body);
            }
            Map<String, Object> body = Http.get(url25, "/health").json();
            // The set, in any order: the JVM's own order through java.management's helper (PlatformBeans),
            // ManagementFactory's map order where the agent falls back to it.
            List<Object> collectors = new ArrayList<>((List<?>) Json.at(body, "checks", "gc", "details", "pauseCollectors"));
            Collections.sort(collectors, Comparator.comparing(Object::toString));
            assertEquals(Arrays.asList("G1 Concurrent GC", "G1 Old Generation", "G1 Young Generation"), collectors,
                    "JDK 25's G1 beans: " + body);
            assertEquals(405, Http.request(url25, "DELETE", "/health", "").status);
            assertEquals(404, Http.get(url25, "/nope").status);
        }
    }

    @Test
    void theHostsStdoutHoldsOnlyItsOwnLines() {
        for (String line : target.stdoutLines()) {
            assertTrue(line.equals("sample-target started") || line.startsWith("ok "), "unexpected stdout line: " + line);
        }
    }
}
