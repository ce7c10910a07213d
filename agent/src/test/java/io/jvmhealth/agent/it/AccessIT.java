package io.jvmhealth.agent.it;

import io.jvmhealth.agent.testing.AgentLines;
import io.jvmhealth.agent.testing.Hosts;
import io.jvmhealth.agent.testing.Http;
import io.jvmhealth.agent.testing.Poll;
import io.jvmhealth.agent.testing.ProcessStats;
import io.jvmhealth.agent.testing.TargetJvm;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 4, item 5: who reaches the port learns only what {@code details} allows, the token never
 * leaks, {@code host=127.0.0.1} is unreachable from other addresses, and no request changes anything.
 */
class AccessIT {
    private static final List<String> PATHS = Arrays.asList("/live", "/ready", "/started", "/health");

    private static String newToken() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        StringBuilder hex = new StringBuilder("tok-");
        for (byte b : bytes) {
            hex.append(String.format("%02x", b));
        }
        return hex.toString();
    }

    private static Http.Response get(String url, String path, String authorization) throws IOException {
        return Http.request(url, "GET", path, authorization == null ? "" : "Authorization: " + authorization + "\r\n");
    }

    @Test
    void withoutAValidTokenBodiesCarryStatusOnlyAndCodesStayTheSame() throws Exception {
        String token = newToken();
        Path tokenFile = Files.createTempFile("jvmhealth-token", ".txt");
        Files.write(tokenFile, (token + "\n").getBytes(StandardCharsets.UTF_8));
        List<String> seen = new ArrayList<>();
        try (TargetJvm inline = TargetJvm.builder().agent("port=0,interval=200ms,details=authorized,token=" + token)
                     .jvmArgs("-Xmx64m").commands("idle").start();
             TargetJvm fromFile = TargetJvm.builder().agent("port=0,interval=200ms,heap.unhealthy=0.9,details=authorized,token.file=" + tokenFile)
                     .jvmArgs("-Xmx64m").commands("leak", "0.9").start()) {
            // The second host has a full heap: its /ready and /health are 503 with and without the token.
            String fileUrl = Hosts.started(fromFile);
            Poll.until("the leak", Duration.ofSeconds(20), fromFile::stdoutLines, l -> l.contains("ok leak 0.9"));
            ProcessStats.jcmd(fromFile.pid(), "GC.run"); // the heap check judges occupancy after a GC
            Poll.until("/ready 503 on the leaking host", Duration.ofSeconds(20), () -> get(fileUrl, "/ready", "Bearer " + token),
                    r -> r.status == 503);
            for (TargetJvm target : Arrays.asList(inline, fromFile)) {
                String url = Hosts.started(target);
                for (String path : PATHS) {
                    Http.Response full = get(url, path, "Bearer " + token);
                    seen.add(full.toString() + full.headers);
                    assertTrue(full.json().containsKey("timestamp"), path + " with the token: " + full.body);
                    for (String wrong : Arrays.asList(null, "Bearer " + token.substring(0, token.length() - 1),
                            "Bearer " + token + "x", "Basic " + token, token, "Bearer " + token.toUpperCase())) {
                        Http.Response brief = get(url, path, wrong);
                        seen.add(brief.toString() + brief.headers);
                        assertEquals(full.status, brief.status, path + " with " + wrong);
                        Map<String, Object> body = brief.json();
                        assertEquals(Collections.singleton("status"), body.keySet(), path + " with " + wrong + ": " + brief.body);
                        assertEquals(full.json().get("status"), body.get("status"), path);
                        Http.Response head = Http.request(url, "HEAD", path, wrong == null ? "" : "Authorization: " + wrong + "\r\n");
                        assertEquals(full.status, head.status, "HEAD " + path);
                    }
                    // A query cannot ask for details.
                    Http.Response query = get(url, path + "?details=always&token=" + token, null);
                    assertEquals(Collections.singleton("status"), query.json().keySet(), query.body);
                }
                // Error answers do not echo what was sent.
                Http.Response bad = Http.exchange(URI.create(url).getHost(), URI.create(url).getPort(),
                        ("GET /" + token + " HTTP/1.1\r\nAuthorization: Bearer " + token + "\r\nX: \u0000\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1), false);
                seen.add(bad.toString() + bad.headers);
                Http.Response notFound = get(url, "/" + token, "Bearer " + token);
                seen.add(notFound.toString() + notFound.headers);
            }
            assertEquals(503, get(fileUrl, "/ready", null).status);
            assertEquals(Collections.singleton("status"), get(fileUrl, "/health", null).json().keySet());

            for (String answer : seen) {
                assertFalse(answer.contains(token), "the token appears in an answer: " + answer);
            }
            for (TargetJvm target : Arrays.asList(inline, fromFile)) {
                for (String line : target.stderrLines()) {
                    assertFalse(line.contains(token), "the token appears on stderr: " + line);
                }
                for (String line : target.stdoutLines()) {
                    assertFalse(line.contains(token), "the token appears on stdout: " + line);
                }
                assertTrue(target.stderrLines().stream().anyMatch(l -> l.contains("details=authorized")), target.toString());
            }
            System.out.println("[AccessIT] details=authorized (token and token.file): " + seen.size()
                    + " answers checked, status only without a valid token, same codes, token in no answer or log line");
        } finally {
            Files.deleteIfExists(tokenFile);
        }
    }

    @Test
    void detailsNeverHidesDetailsEvenFromTheTokenHolder() throws Exception {
        String token = newToken();
        try (TargetJvm target = TargetJvm.builder().agent("port=0,interval=200ms,details=never,token=" + token).commands("idle").start()) {
            String url = Hosts.started(target);
            for (String path : PATHS) {
                for (String auth : Arrays.asList(null, "Bearer " + token)) {
                    Http.Response r = get(url, path, auth);
                    assertEquals(200, r.status, path);
                    assertEquals(Collections.singleton("status"), r.json().keySet(), path + ": " + r.body);
                }
            }
        }
    }

    @Test
    void hostLoopbackIsUnreachableFromAnyOtherAddress() throws Exception {
        try (TargetJvm loopback = TargetJvm.builder().agent("port=0,interval=200ms,host=127.0.0.1").commands("idle").start();
             TargetJvm everywhere = TargetJvm.builder().agent("port=0,interval=200ms").commands("idle").start()) {
            String url = Hosts.started(loopback);
            int port = URI.create(url).getPort();
            assertEquals("127.0.0.1", URI.create(url).getHost());
            assertEquals(200, Http.get(url, "/live").status);
            List<InetAddress> others = new ArrayList<>(Collections.singletonList(InetAddress.getByName("127.0.0.2")));
            others.addAll(nonLoopbackAddresses());
            for (InetAddress other : others) {
                assertThrows(ConnectException.class, () -> connect(other, port), "connecting to " + other.getHostAddress() + ":" + port);
            }
            // Control: the same connection works when the agent listens on all addresses.
            int allPort = URI.create(Hosts.started(everywhere)).getPort();
            for (InetAddress other : others) {
                assertEquals(200, Http.get("http://" + other.getHostAddress() + ":" + allPort + "/", "/live").status, other.toString());
            }
            System.out.println("[AccessIT] host=127.0.0.1: refused via " + others + "; host=0.0.0.0 answers via the same addresses");
        }
    }

    @Test
    void noRequestChangesAnything() throws Exception {
        String token = newToken();
        try (TargetJvm target = TargetJvm.builder().agent("port=0,interval=200ms,details=authorized,token=" + token).commands("idle").start()) {
            String url = Hosts.started(target);
            long pid = target.pid();
            List<String> threadsBefore = agentThreadNames(pid);
            Map<String, Object> before = get(url, "/health", "Bearer " + token).json();
            int requests = 0;
            for (String method : Arrays.asList("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT")) {
                for (String path : Arrays.asList("/live", "/ready", "/started", "/health", "/stop", "/shutdown", "/config",
                        "/health?interval=1ms&details=always&port=1&log=off", "/threads", "/gc", "/heap/dump")) {
                    Http.Response r = Http.request(url, method, path, "Content-Length: 0\r\nAuthorization: Bearer " + token + "\r\n");
                    requests++;
                    boolean known = PATHS.contains(path.replaceAll("\\?.*", ""));
                    if (method.equals("GET") || method.equals("HEAD")) {
                        assertTrue(known ? r.status == 200 : r.status == 404, method + " " + path + ": " + r);
                    } else {
                        assertEquals(405, r.status, method + " " + path);
                    }
                }
            }
            Map<String, Object> after = get(url, "/health", "Bearer " + token).json();
            assertEquals(((Map<?, ?>) before.get("checks")).keySet(), ((Map<?, ?>) after.get("checks")).keySet());
            assertEquals(before.get("status"), after.get("status"));
            assertEquals(Collections.singleton("status"), get(url, "/health", null).json().keySet(), "details still need the token");
            assertEquals(url, target.agentUrl(Duration.ofSeconds(1)));
            assertEquals(200, Http.get(url, "/live").status, "still serving on the same port");
            List<String> threadsAfter = agentThreadNames(pid);
            assertTrue(threadsAfter.contains("jvm-health-eval") && threadsAfter.size() <= 10, threadsAfter.toString());
            assertEquals(1, AgentLines.startLines(target.stderrLines()), "no restart: " + target.stderrLines());
            System.out.println("[AccessIT] " + requests + " requests with every method on every path and option-like queries: nothing changed"
                    + " (agent threads " + threadsBefore.size() + " -> " + threadsAfter.size() + ")");
        }
    }

    /** Issue 12: ?verbose, /health/<check> and /metrics show reasons and figures only to whom details allows. */
    @Test
    void verbosePerCheckAndMetricsFollowTheDetailsPolicy() throws Exception {
        String token = newToken();
        try (TargetJvm target = TargetJvm.builder()
                .agent("port=0,interval=200ms,details=authorized,token=" + token + ",checks=deadlock,heap,gc,threads,threads.degraded=4,threads.unhealthy=5")
                .commands("idle").start()) {
            String url = Hosts.started(target);
            String bearer = "Bearer " + token;
            Http.Response briefText = get(url, "/ready?verbose", null);
            assertEquals(503, briefText.status);
            assertTrue(briefText.body.contains("\n[-]threads failed\n/ready check failed\n"), briefText.body);
            Http.Response fullText = get(url, "/ready?verbose", bearer);
            assertTrue(fullText.body.matches("(?s).*\n\\[-]threads failed: \\d+ live threads \\(unhealthy at 5\\)\n.*"), fullText.body);

            assertEquals("{\"status\":\"unhealthy\"}", get(url, "/health/threads", null).body);
            assertTrue(get(url, "/health/threads", bearer).body.contains("\"reason\""));
            assertEquals("{\"status\":\"healthy\"}", get(url, "/ready?exclude=threads", null).body);

            Http.Response briefMetrics = get(url, "/metrics", null);
            assertTrue(briefMetrics.body.contains("jvmhealth_check_status{check=\"threads\",status=\"unhealthy\"} 1\n"), briefMetrics.body);
            assertFalse(briefMetrics.body.contains("jvmhealth_check_live") || briefMetrics.body.contains("_bytes")
                    || briefMetrics.body.contains("jvmhealth_info"), briefMetrics.body);
            Http.Response fullMetrics = get(url, "/metrics", bearer);
            assertTrue(fullMetrics.body.contains("jvmhealth_check_live{check=\"threads\"} "), fullMetrics.body);
            for (Http.Response r : Arrays.asList(briefText, fullText, briefMetrics, fullMetrics)) {
                assertFalse(r.body.contains(token), "the token never appears in an answer");
            }
        }
    }

    private static List<String> agentThreadNames(long pid) throws IOException {
        List<String> names = new ArrayList<>();
        for (String n : ProcessStats.threadNames(pid)) {
            if (AgentLines.isAgentThread(n)) {
                names.add(n);
            }
        }
        return names;
    }

    private static void connect(InetAddress address, int port) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address, port), 2000);
        }
    }

    private static List<InetAddress> nonLoopbackAddresses() throws IOException {
        List<InetAddress> found = new ArrayList<>();
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (nic.isUp() && !nic.isLoopback()) {
                for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                    if (a instanceof Inet4Address && !a.isLinkLocalAddress()) {
                        found.add(a);
                    }
                }
            }
        }
        return found;
    }
}
