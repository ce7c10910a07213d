package io.jvmhealth.agent.it;

import io.jvmhealth.agent.testing.Http;
import io.jvmhealth.agent.testing.Poll;
import io.jvmhealth.agent.testing.ProcessStats;
import io.jvmhealth.agent.testing.TargetJvm;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 4, item 2: at least 10,000 generated bad requests, each answered with a 4xx (or 505 for a
 * well-formed but unsupported HTTP version) or closed; the agent keeps serving, and afterwards its
 * threads, file descriptors and heap after GC are back to the baseline. No temporary file is ever
 * written (NanoHTTPD's own session would spool bodies to {@code java.io.tmpdir}).
 */
class MalformedRequestsIT {
    private static final int CASES = 10_000;
    private static final int CLIENTS = 4;
    private static final long SEED = Long.getLong("fuzz.seed", 20261125L);
    private static final byte[] CRLF2 = ascii("\r\n\r\n");

    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {17, 25})
    void tenThousandBadRequestsAreRefusedAndLeaveNothingBehind(int jdk) throws Exception {
        Path tmp = Files.createTempDirectory("jvmhealth-fuzz-tmp");
        try (TargetJvm target = TargetJvm.builder().java(HostFaultsIT.jdk(jdk)).jvmArgs("-Xmx64m", "-Djava.io.tmpdir=" + tmp)
                .agent("port=0,interval=200ms").commands("idle").start()) {
            String url = target.agentUrl(Duration.ofSeconds(20));
            Poll.until("/started to answer 200", Duration.ofSeconds(10), () -> Http.get(url, "/started"), r -> r.status == 200);
            int port = URI.create(url).getPort();
            long pid = target.pid();

            // Warm up: classes loaded, jcmd's attach listener running.
            runCases(port, 400, 1, true);
            ProcessStats.heapAfterGc(pid);
            int otherThreadsBefore = ProcessStats.otherThreads(pid);
            int fdsBefore = ProcessStats.fds(pid);
            long heapBefore = ProcessStats.heapAfterGc(pid);
            String before = ProcessStats.describe(pid);

            long started = System.nanoTime();
            Outcomes outcomes = runCases(port, CASES, SEED, false);
            long millis = (System.nanoTime() - started) / 1_000_000;

            assertTrue(outcomes.failures.isEmpty(), outcomes.failures.size() + " bad requests were not refused: "
                    + outcomes.failures.subList(0, Math.min(20, outcomes.failures.size())));
            assertTrue(outcomes.badRequests.sum() >= CASES, "requests fuzzed: " + outcomes.badRequests.sum());
            assertEquals(0, outcomes.probeFailures.get(), "valid probes between the bad requests failed");
            assertEquals(200, Http.get(url, "/live").status, "the server keeps serving");

            int fdsAfter = Poll.until("open descriptors back to " + fdsBefore, Duration.ofSeconds(15),
                    () -> ProcessStats.fds(pid), n -> n <= fdsBefore);
            int otherAfter = Poll.until("non-agent threads back to " + otherThreadsBefore, Duration.ofSeconds(15),
                    () -> ProcessStats.otherThreads(pid), n -> n <= otherThreadsBefore);
            int agentAfter = ProcessStats.agentThreads(pid);
            long heapAfter = ProcessStats.heapAfterGc(pid);
            List<String> tmpFiles;
            try (Stream<Path> files = Files.list(tmp)) {
                tmpFiles = files.map(Path::toString).collect(Collectors.toList());
            }
            System.out.println("[MalformedRequestsIT] JDK " + jdk + ": seed " + SEED + ": " + outcomes.badRequests.sum() + " bad requests ("
                    + outcomes.answered.sum() + " answered 4xx/505, " + outcomes.closed.sum() + " closed without answer, "
                    + outcomes.validPipelined.sum() + " valid pipelined requests before them) in " + millis + " ms; codes "
                    + new java.util.TreeMap<>(outcomes.codes) + "; by kind " + new java.util.TreeMap<>(outcomes.kinds)
                    + "; before: " + before + ", heap after GC " + heapBefore / 1024 + " KB; after: "
                    + ProcessStats.describe(pid) + ", heap after GC " + heapAfter / 1024 + " KB; temp files " + tmpFiles.size());
            assertTrue(fdsAfter <= fdsBefore, "fds " + fdsBefore + " -> " + fdsAfter);
            assertTrue(otherAfter <= otherThreadsBefore, "threads " + otherThreadsBefore + " -> " + otherAfter);
            assertTrue(agentAfter <= 3, "agent threads (evaluator and the selector thread) " + agentAfter);
            assertTrue(heapAfter <= heapBefore + 2 * 1024 * 1024, "heap after GC grew from " + heapBefore + " to " + heapAfter);
            assertEquals(Collections.emptyList(), tmpFiles, "no temporary files");
            assertTrue(target.process().isAlive());
        } finally {
            try (Stream<Path> files = Files.list(tmp)) {
                files.forEach(p -> p.toFile().delete());
            }
            Files.deleteIfExists(tmp);
        }
    }

    /** Counters and failures of one run. */
    private static final class Outcomes {
        final LongAdder badRequests = new LongAdder();
        final LongAdder answered = new LongAdder();
        final LongAdder closed = new LongAdder();
        final LongAdder validPipelined = new LongAdder();
        final Map<Integer, Integer> codes = new ConcurrentHashMap<>();
        final Map<String, Integer> kinds = new ConcurrentHashMap<>();
        final List<String> failures = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger probeFailures = new AtomicInteger();
    }

    /** One generated connection: the bytes, how many valid requests precede the bad one, and its kind. */
    private static final class Case {
        final String kind;
        final byte[] bytes;
        final int validBefore;

        Case(String kind, byte[] bytes, int validBefore) {
            this.kind = kind;
            this.bytes = bytes;
            this.validBefore = validBefore;
        }
    }

    private static Outcomes runCases(int port, int count, long baseSeed, boolean warmUp) throws Exception {
        Outcomes outcomes = new Outcomes();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<Future<?>> futures = new ArrayList<>();
            AtomicInteger next = new AtomicInteger();
            for (int c = 0; c < CLIENTS; c++) {
                String source = "127.0.0." + (20 + c); // one source address per client: the per-address cap stays out of the way
                long base = baseSeed;
                futures.add(clients.submit(() -> {
                    int i;
                    while ((i = next.getAndIncrement()) < count) {
                        if (i % 500 == 0 && !warmUp) {
                            try {
                                if (Http.get("http://127.0.0.1:" + port + "/", "/live").status != 200) {
                                    outcomes.probeFailures.incrementAndGet();
                                }
                            } catch (IOException e) {
                                outcomes.probeFailures.incrementAndGet();
                            }
                        }
                        // Case i depends only on the seed and i, whichever client sends it: runs are reproducible.
                        Case kase = warmUp ? valid() : generate(new Random(base + i * 0x9E3779B97F4A7C15L));
                        outcomes.kinds.merge(kase.kind, 1, Integer::sum);
                        check(source, port, kase, outcomes);
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            clients.shutdownNow();
        }
        return outcomes;
    }

    private static Case valid() {
        return new Case("valid", ascii("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), 1);
    }

    /** Sends one case, then half-closes, reads everything the agent answers until it closes, and judges it. */
    private static void check(String source, int port, Case kase, Outcomes outcomes) {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        String error = null;
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(source, 0));
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(8000);
            try {
                OutputStream out = s.getOutputStream();
                out.write(kase.bytes);
                out.flush();
                s.shutdownOutput();
            } catch (IOException writeFailed) {
                // the agent refused early (e.g. 431 after 8 KB) and reset the connection: read what came back
            }
            InputStream in = s.getInputStream();
            byte[] buf = new byte[4096];
            try {
                int n;
                while ((n = in.read(buf)) > 0) {
                    received.write(buf, 0, n);
                }
            } catch (SocketTimeoutException e) {
                error = "connection left open for 8 s";
            } catch (IOException reset) {
                // closed with a reset: a close
            }
        } catch (IOException e) {
            error = "cannot connect: " + e;
        }
        List<Integer> codes = statusCodes(received.toByteArray());
        if (kase.validBefore > 0 && kase.kind.equals("valid")) {
            return;
        }
        outcomes.badRequests.increment();
        if (error == null) {
            int expectedValid = kase.validBefore;
            for (int i = 0; i < codes.size() && error == null; i++) {
                int code = codes.get(i);
                if (i < expectedValid) {
                    if (code != 200) {
                        error = "pipelined valid request " + i + " got " + code;
                    }
                } else if (i == expectedValid) {
                    if (!(code >= 400 && code < 500 || code == 505)) {
                        error = "bad request answered " + code;
                    }
                } else {
                    error = "more answers than requests: " + codes;
                }
            }
            if (error == null && codes.size() < expectedValid) {
                error = "valid pipelined requests unanswered: " + codes;
            }
        }
        if (error != null) {
            String sent = new String(kase.bytes, 0, Math.min(120, kase.bytes.length), StandardCharsets.ISO_8859_1);
            outcomes.failures.add(kase.kind + ": " + error + " for " + sent.replace("\r", "\\r").replace("\n", "\\n"));
            return;
        }
        outcomes.validPipelined.add(kase.validBefore);
        if (codes.size() > kase.validBefore) {
            outcomes.answered.increment();
            outcomes.codes.merge(codes.get(kase.validBefore), 1, Integer::sum);
        } else {
            outcomes.closed.increment();
        }
    }

    /** Status codes of the responses in {@code data} (heads found by their status lines and Content-Length). */
    private static List<Integer> statusCodes(byte[] data) {
        List<Integer> codes = new ArrayList<>();
        String text = new String(data, StandardCharsets.ISO_8859_1);
        int pos = 0;
        while (pos < text.length()) {
            if (!text.startsWith("HTTP/1.1 ", pos)) {
                codes.add(-1); // bytes that are not a response
                break;
            }
            codes.add(Integer.parseInt(text.substring(pos + 9, pos + 12)));
            int headEnd = text.indexOf("\r\n\r\n", pos);
            if (headEnd < 0) {
                break;
            }
            int cl = text.toLowerCase(java.util.Locale.ROOT).indexOf("content-length: ", pos);
            int length = cl >= 0 && cl < headEnd ? Integer.parseInt(text.substring(cl + 16, text.indexOf("\r\n", cl))) : 0;
            // A HEAD answer has a Content-Length but no body: the next response starts right away.
            pos = text.startsWith("HTTP/1.1 ", headEnd + 4) ? headEnd + 4 : headEnd + 4 + length;
        }
        return codes;
    }

    // ---- generators ----

    private static final String[] PATHS = {"/live", "/ready", "/started", "/health"};
    private static final String[] BAD_LINES = {
        "GET", "GET /live", "GET /live\r\nHost: x", "GET  /live HTTP/1.1", "GET /live  HTTP/1.1", " GET /live HTTP/1.1",
        "GET /live HTTP/1.1 extra", "GET\t/live\tHTTP/1.1", "GET\t/live HTTP/1.1", "/live HTTP/1.1", "GET live HTTP/1.1",
        "G@T /live HTTP/1.1", "GET /li\u0000ve HTTP/1.1", "GET /live\u0001 HTTP/1.1", "GET /l\u00e9ve HTTP/1.1",
        "GET /live\u007f HTTP/1.1", "GET /live?a=\u0000 HTTP/1.1", "GET  HTTP/1.1", "GET / / HTTP/1.1", "\u0000GET /live HTTP/1.1",
        "GET /live HTTP/1.1\u0000", "GET %2Flive HTTP/1.1", "GET ?live HTTP/1.1", "GET # HTTP/1.1", "\"GET\" /live HTTP/1.1",
        "GET /live HTTP/", "GET /live H", "GET /live HTTP/1.1x", "(GET) /live HTTP/1.1",
    };
    private static final String[] BAD_VERSIONS = {
        "HTTP/0.9", "HTTP/2.0", "HTTP/3.0", "HTTP/9.9", "HTTP/1", "HTTP/11", "HTTP/1.1.1", "HTTPS/1.1", "http/1.1",
        "HTTP/a.b", "HTTP/-1.0", "HTTP/1.-", "HTTP/ 1.1", "HTTP\\1.1", "HTTP/1,1", "HTTP/01.1", "HTTP/1.10", "SPDY/3", "RTSP/1.0",
    };
    private static final String[] BAD_LENGTHS = {
        "-1", "-0", "abc", "99999999999999999999999", "1e3", "12 34", "+5", "0x10", "", "5, 6", "٣", "1.0", "18446744073709551616",
    };
    private static final String[] BAD_HEADERS = {
        "NoColon", ": empty name", " folded: x", "\tfolded: x", "Bad Header: x", "X: a\u0000b", "X: a\rb", "X\u0000: b",
        "X: a\u001bb", "X: \u007f", "(X): y", "X:\u0007", "Host: x\r\n continued",
    };
    private static final String[] TRAVERSALS = {
        "/../../../../etc/passwd", "/live/../../etc/passwd", "/..%2f..%2fetc%2fpasswd", "/%2e%2e/%2e%2e/etc/passwd",
        "//etc/passwd", "/.\\..\\windows\\win.ini", "/live/..", "/./live", "/live/.", "/%2e/live", "/..;/live", "/live;x=../..",
        "http://evil.example/../live/", "/live%00.json", "/LIVE/..", "/~root", "/..", "/.",
    };
    private static final String[] PERCENT = {
        "/%", "/%z", "/%zz", "/%4", "/live%", "/%%%", "/%00", "/%C0%AE%C0%AE/", "/%u002e", "/%%32%65", "/li%ve", "/%ff%fe",
        "/%6C%69%76%65", "/live%2", "/%2Flive",
    };

    private static Case generate(Random r) {
        switch (r.nextInt(12)) {
            case 0: {
                byte[] garbage = new byte[1 + r.nextInt(2000)];
                r.nextBytes(garbage);
                return new Case("garbage", r.nextBoolean() ? concat(garbage, CRLF2) : garbage, 0);
            }
            case 1:
                return new Case("bad request line", ascii(pick(r, BAD_LINES) + "\r\nHost: x\r\n\r\n"), 0);
            case 2:
                return new Case("bad version", ascii("GET " + pick(r, PATHS) + " " + pick(r, BAD_VERSIONS) + "\r\nHost: x\r\n\r\n"), 0);
            case 3:
                return new Case("unknown method", ascii(randomMethod(r) + " " + pick(r, PATHS) + " HTTP/1.1\r\nHost: x\r\n\r\n"), 0);
            case 4: {
                if (r.nextInt(8) != 0) {
                    return new Case("bad header", ascii("GET " + pick(r, PATHS) + " HTTP/1.1\r\nHost: x\r\n" + pick(r, BAD_HEADERS) + "\r\n\r\n"), 0);
                }
                int big = 100 * 1024 + r.nextInt(100 * 1024);
                String head = r.nextBoolean()
                        ? "GET /live HTTP/1.1\r\nHost: x\r\nX-Big: " + repeat('a', big) + "\r\n\r\n"
                        : "GET /live?" + repeat('q', big) + " HTTP/1.1\r\nHost: x\r\n\r\n";
                return new Case("100 KB+ head", ascii(head), 0);
            }
            case 5: {
                StringBuilder many = new StringBuilder("GET /live HTTP/1.1\r\n");
                int headers = 1000 + r.nextInt(2000);
                for (int i = 0; i < headers; i++) {
                    many.append("X-").append(i).append(": v\r\n");
                }
                return new Case("too many headers", ascii(many.append("\r\n").toString()), 0);
            }
            case 6: {
                String length = r.nextInt(4) == 0 ? "Content-Length: 5\r\nContent-Length: 6" : "Content-Length: " + pick(r, BAD_LENGTHS);
                return new Case("bad content-length", ascii("GET /live HTTP/1.1\r\nHost: x\r\n" + length + "\r\n\r\n"), 0);
            }
            case 7: {
                String method = pick(r, new String[] {"POST", "PUT", "PATCH", "GET", "HEAD", "DELETE"});
                byte[] body = new byte[r.nextInt(10) == 0 ? 1024 * 1024 : r.nextInt(64 * 1024)];
                r.nextBytes(body);
                String head = r.nextInt(3) == 0
                        ? method + " " + pick(r, PATHS) + " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                        : method + " " + pick(r, PATHS) + " HTTP/1.1\r\nHost: x\r\nContent-Length: " + (body.length + 1) + "\r\n\r\n";
                return new Case("body", concat(ascii(head), body), 0);
            }
            case 8: {
                int valid = 1 + r.nextInt(8);
                StringBuilder pipe = new StringBuilder();
                for (int i = 0; i < valid; i++) {
                    pipe.append(r.nextBoolean() ? "GET " : "HEAD ").append(pick(r, PATHS)).append(" HTTP/1.1\r\nHost: x\r\n\r\n");
                }
                byte[] tail = generate(r).bytes;
                if (tail.length > 0 && startsWithValidRequest(tail)) {
                    tail = ascii("BREW /live HTTP/1.1\r\n\r\n");
                }
                return new Case("pipelined", concat(ascii(pipe.toString()), tail), valid);
            }
            case 9:
                return new Case("percent-encoding", ascii("GET " + pick(r, PERCENT) + " HTTP/1.1\r\nHost: x\r\n\r\n"), 0);
            case 10:
                return new Case("path traversal", ascii("GET " + pick(r, TRAVERSALS) + " HTTP/1.1\r\nHost: x\r\n\r\n"), 0);
            default: {
                // A valid head with one byte flipped into a control character.
                byte[] head = ascii("GET " + pick(r, PATHS) + " HTTP/1.1\r\nHost: x\r\nAccept: */*\r\n\r\n");
                int at = r.nextInt(head.length - 4);
                while (head[at] == '\r' || head[at] == '\n') {
                    at = r.nextInt(head.length - 4);
                }
                head[at] = (byte) (1 + r.nextInt(8)); // never TAB, CR or LF
                return new Case("control byte", head, 0);
            }
        }
    }

    private static boolean startsWithValidRequest(byte[] tail) {
        String s = new String(tail, 0, Math.min(tail.length, 16), StandardCharsets.ISO_8859_1);
        return s.startsWith("GET /") || s.startsWith("HEAD /");
    }

    private static String randomMethod(Random r) {
        String tchars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$%&'*+-.^_`|~";
        while (true) {
            StringBuilder m = new StringBuilder();
            int n = 1 + r.nextInt(20);
            for (int i = 0; i < n; i++) {
                m.append(tchars.charAt(r.nextInt(tchars.length())));
            }
            String method = m.toString();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                return method;
            }
        }
    }

    private static String pick(Random r, String[] options) {
        return options[r.nextInt(options.length)];
    }

    private static String repeat(char c, int n) {
        char[] chars = new char[n];
        Arrays.fill(chars, c);
        return new String(chars);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
