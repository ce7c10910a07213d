package io.jvmhealth.agent.it;

import io.jvmhealth.agent.testing.Artifacts;
import io.jvmhealth.agent.testing.FreePort;
import io.jvmhealth.agent.testing.Http;
import io.jvmhealth.agent.testing.Jdks;
import io.jvmhealth.agent.testing.Json;
import io.jvmhealth.agent.testing.Poll;
import io.jvmhealth.agent.testing.TargetJvm;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code hang} and {@code request-pool} on real servers (sample-target/frameworks' hung-pool hosts), side by side:
 * embedded Tomcat 10.1 with 4 request threads, with its MBeans and without them (Spring Boot's default: the pool is
 * read through its threads; on JDK 17 and JDK 25, whose {@code Thread} keeps its task elsewhere), and Jetty 12.1 with
 * jetty-jmx and a StatisticsHandler (a pool of 6: 4 request threads, an acceptor, a selector). {@code hang.after} 6 s,
 * {@code request-pool.after} 3 s. First a steady load of short requests keeps every request thread busy for three times
 * {@code hang.after}: {@code /live} 200 throughout. ({@code /ready} may turn 503 for a moment: on this shared two-core
 * machine, at load 20 and more, a server once completed nothing for 2 s while its 4 threads were busy; that is what
 * {@code request-pool} is for, and the test counts those moments.) Then as many requests as there are request threads
 * block forever: {@code /ready} 503 (not before {@code request-pool.after}), then {@code /live} 503, never before
 * {@code hang.after}, with the thread dump (the blocked threads in it).
 */
class HungPoolsIT {
    private static final int HANG_AFTER_SECONDS = 6;
    private static final String OPTIONS = "port=0,interval=500ms,hang.after=" + HANG_AFTER_SECONDS + "s,request-pool.after=3s";
    private static final Duration LOAD = Duration.ofSeconds(3 * HANG_AFTER_SECONDS);
    private static final int CLIENTS = 8;

    /** One server under test. */
    private static final class Server {
        final String name;
        final int port = FreePort.find();
        final int requestThreads;
        final TargetJvm jvm;
        String url;
        final AtomicLong answered = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final List<Socket> blocked = new ArrayList<>();

        Server(String name, Path java, String main, int requestThreads, String... args) throws Exception {
            this.name = name;
            this.requestThreads = requestThreads;
            List<String> all = new ArrayList<>(List.of(String.valueOf(port)));
            all.addAll(List.of(args));
            this.jvm = TargetJvm.builder().java(java).agent(OPTIONS).main(Artifacts.gateHostsClassPath(), main, all.toArray(new String[0])).start();
        }

        String app() {
            return "http://127.0.0.1:" + port + "/";
        }

        void close() {
            for (Socket s : blocked) {
                try {
                    s.close();
                } catch (Exception ignored) {
                    // closed already
                }
            }
            jvm.close();
        }
    }

    @Test
    void busyButCompletingStaysLiveWhileAPoolWhoseThreadsAllBlockIsNotReadyThenHung() throws Exception {
        Path java25 = Jdks.java25().orElse(null);
        if (java25 == null) {
            System.err.println("SKIPPED: no JDK 25 found (set JAVA25_HOME or install one under /usr/lib/jvm): Tomcat without MBeans on JDK 25 not run");
        }
        List<Server> servers = new ArrayList<>();
        ExecutorService load = Executors.newFixedThreadPool(CLIENTS * 4);
        try {
            servers.add(new Server("Tomcat with MBeans", Jdks.current(), "io.jvmhealth.hosts.pools.HungTomcatHost", 4, "4", "true"));
            servers.add(new Server("Tomcat without MBeans (JDK 17)", Jdks.current(), "io.jvmhealth.hosts.pools.HungTomcatHost", 4, "4", "false"));
            if (java25 != null) {
                servers.add(new Server("Tomcat without MBeans (JDK 25)", java25, "io.jvmhealth.hosts.pools.HungTomcatHost", 4, "4", "false"));
            }
            servers.add(new Server("Jetty with MBeans and a StatisticsHandler", Jdks.current(), "io.jvmhealth.hosts.pools.HungJettyHost", 4,
                    "6", "true", "true"));
            for (Server s : servers) {
                // four servers starting at once on two shared cores: a Tomcat took more than Hosts.started's 15 s at load 13
                s.url = s.jvm.agentUrl(Duration.ofSeconds(30));
                Poll.until(s.name + ": /started 200", Duration.ofSeconds(60), () -> Http.get(s.url, "/started"), r -> r.status == 200);
                Poll.until(s.name + ": its request pool found", Duration.ofSeconds(30), () -> Http.get(s.url, "/health/hang"), r -> r.status == 200);
            }

            // a steady load of 100 ms requests from 8 clients on 4 request threads: every thread busy, ~40 completions a second
            AtomicBoolean stop = new AtomicBoolean();
            for (Server s : servers) {
                for (int c = 0; c < CLIENTS; c++) {
                    load.submit(() -> {
                        while (!stop.get()) {
                            try {
                                int status = Http.get(s.app(), "/sleep?ms=100").status;
                                (status == 200 ? s.answered : s.failed).incrementAndGet();
                            } catch (Exception e) {
                                s.failed.incrementAndGet();
                            }
                        }
                    });
                }
            }
            Map<String, Boolean> saturated = new LinkedHashMap<>();
            Map<String, Integer> notReady = new LinkedHashMap<>();
            long end = System.nanoTime() + LOAD.toNanos();
            int probes = 0;
            while (System.nanoTime() < end) {
                for (Server s : servers) {
                    Http.Response live = Http.get(s.url, "/live?verbose");
                    assertEquals(200, live.status, s.name + " under load: " + live.body);
                    Http.Response ready = Http.get(s.url, "/ready?verbose");
                    if (ready.status != 200) {
                        assertTrue(ready.body.contains("[-]request-pool failed: ") && !ready.body.contains("[-]hang"), s.name + ": " + ready.body);
                        notReady.merge(s.name, 1, Integer::sum);
                    }
                    Map<String, Object> pool = Http.get(s.url, "/health/request-pool").json();
                    saturated.merge(s.name, "degraded".equals(pool.get("status")), Boolean::logicalOr);
                    probes++;
                }
                Thread.sleep(100);
            }
            stop.set(true);
            load.shutdown();
            assertTrue(load.awaitTermination(30, TimeUnit.SECONDS), "the load clients ended");
            for (Server s : servers) {
                assertTrue(saturated.get(s.name), s.name + ": every request thread was busy at some point of the load (request-pool degraded)");
                assertTrue(s.answered.get() > 100, s.name + ": requests completed under load: " + s.answered + ", failed: " + s.failed);
                Map<String, Object> hang = Http.get(s.url, "/health/hang").json();
                assertEquals("healthy", hang.get("status"), s.name + " after the load: " + hang);
            }
            System.out.println("hung pools: " + probes + " probes of /live under load, all 200; /ready 503 in " + notReady + "; answered "
                    + servers.stream().map(s -> s.name + "=" + s.answered).toList());

            // as many requests as there are request threads, blocked forever; each server's clock starts before its first write
            Map<Server, Long> blockedAt = new LinkedHashMap<>();
            for (Server s : servers) {
                blockedAt.put(s, System.nanoTime());
                for (int i = 0; i < s.requestThreads; i++) {
                    Socket socket = new Socket();
                    socket.connect(new InetSocketAddress("127.0.0.1", s.port), 2000);
                    OutputStream out = socket.getOutputStream();
                    out.write(("GET /block HTTP/1.1\r\nHost: 127.0.0.1:" + s.port + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    s.blocked.add(socket);
                }
            }
            // every server probed in turn: when /ready turned 503, when /live did (never before hang.after)
            Map<Server, Long> notReadyMs = new LinkedHashMap<>();
            Map<Server, Long> hungMs = new LinkedHashMap<>();
            Map<Server, String> liveBody = new LinkedHashMap<>();
            Poll.until("every server's /live 503", Duration.ofSeconds(60), () -> {
                for (Server s : servers) {
                    if (hungMs.containsKey(s)) {
                        continue;
                    }
                    long ms = (System.nanoTime() - blockedAt.get(s)) / 1_000_000;
                    Http.Response ready = Http.get(s.url, "/ready?verbose");
                    if (ready.status == 503 && !notReadyMs.containsKey(s)) {
                        assertTrue(ready.body.contains("[-]request-pool failed: "), s.name + ": " + ready.body);
                        notReadyMs.put(s, ms);
                    }
                    Http.Response live = Http.get(s.url, "/live?verbose");
                    if (live.status != 200) {
                        assertEquals(503, live.status, s.name + ": " + live.body);
                        assertTrue(ms >= HANG_AFTER_SECONDS * 1000L, s.name + ": /live 503 only " + ms + " ms after the block (hang.after "
                                + HANG_AFTER_SECONDS + " s): " + live.body);
                        hungMs.put(s, ms);
                        liveBody.put(s, live.body);
                    }
                }
                return hungMs.size();
            }, n -> n == servers.size());
            Map<String, String> seen = new LinkedHashMap<>();
            for (Server s : servers) {
                assertTrue(notReadyMs.containsKey(s), s.name + ": /ready 503 before /live");
                assertTrue(notReadyMs.get(s) >= 3000, s.name + ": /ready 503 not before request-pool.after: " + notReadyMs.get(s) + " ms");
                seen.put(s.name, "/ready 503 at " + notReadyMs.get(s) + " ms, /live 503 at " + hungMs.get(s) + " ms after the block");
                String body = liveBody.get(s);
                assertTrue(body.contains("[-]hang failed: ") && body.contains(" request threads busy and no request completed for "),
                        s.name + ": " + body);
                Map<String, Object> hang = Http.get(s.url, "/health/hang").json();
                Map<?, ?> pool = (Map<?, ?>) ((List<?>) Json.at(hang, "details", "pools")).get(0);
                assertEquals(pool.get("maxThreads"), pool.get("busyThreads"), s.name + ": " + hang);
                assertTrue(((Number) pool.get("stalledSeconds")).longValue() >= HANG_AFTER_SECONDS, s.name + ": " + hang);
                seen.merge(s.name, ", the pools' read took " + Json.at(hang, "details", "readMicros") + " µs", String::concat);
                List<String> dump = Poll.until(s.name + ": the thread dump on stderr", Duration.ofSeconds(30),
                        () -> s.jvm.stderrLines(), l -> l.stream().anyMatch(x -> x.startsWith("[jvm-health] END evidence")));
                String text = String.join("\n", dump);
                assertTrue(text.contains("[jvm-health] BEGIN evidence /live 503: hang: "), s.name + ": " + text);
                assertTrue(text.contains("io.jvmhealth.hosts.pools.Blocking.handle("), s.name + ": the blocked request threads are in the dump: " + text);
            }
            System.out.println("hung pools: " + seen);
        } finally {
            load.shutdownNow();
            for (Server s : servers) {
                s.close();
            }
        }
    }
}
