package io.jvmhealth.agent.it;

import io.jvmhealth.agent.testing.Http;
import io.jvmhealth.agent.testing.Poll;
import io.jvmhealth.agent.testing.ProcessStats;
import io.jvmhealth.agent.testing.TargetJvm;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 4, item 1: 400 connections from 127.0.0.2 that send half a request or nothing, re-opened
 * whenever the agent drops them, while a kubelet-like prober on 127.0.0.1 asks {@code /live} 100
 * times. At least 99 probes get the right answer within 1 s, and the agent's threads stay bounded.
 */
class SlowClientsIT {
    private static final int ATTACKERS = 400;
    private static final int PROBES = 100;
    private static final long PROBE_LIMIT_MILLIS = 1000;
    private static final byte[] HALF_REQUEST = "GET /live HTTP/1.1\r\nHost: x\r\nUser-Agent: slow".getBytes(StandardCharsets.US_ASCII);

    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {17, 25})
    void probesFromAnotherAddressAreAnsweredWhile400IdleConnectionsPress(int jdk) throws Exception {
        try (TargetJvm target = TargetJvm.builder().java(HostFaultsIT.jdk(jdk)).jvmArgs("-Xmx64m").agent("port=0,interval=200ms").commands("idle").start()) {
            String url = target.agentUrl(Duration.ofSeconds(20));
            Poll.until("/started to answer 200", Duration.ofSeconds(10), () -> Http.get(url, "/started"), r -> r.status == 200);
            int port = URI.create(url).getPort();
            long pid = target.pid();
            int threadsBefore = ProcessStats.threads(pid);
            long overflowsBefore = listenOverflows();

            Attack attack = new Attack(port);
            attack.openAll();
            Thread attacker = new Thread(attack, "slow-client-attacker");
            attacker.setDaemon(true);
            attacker.start();

            int right = 0;
            long slowest = 0;
            int maxAgentThreads = 0;
            int maxThreads = 0;
            List<String> failures = new ArrayList<>();
            try {
                for (int i = 0; i < PROBES; i++) {
                    long start = System.nanoTime();
                    String outcome;
                    try {
                        Http.Response r = Http.get(url, "/live");
                        outcome = r.status + " " + r.body;
                        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                        slowest = Math.max(slowest, took);
                        if (r.status == 200 && r.body.contains("\"status\":\"healthy\"") && took <= PROBE_LIMIT_MILLIS) {
                            right++;
                        } else {
                            failures.add("probe " + i + ": " + outcome + " after " + took + " ms");
                        }
                    } catch (IOException e) {
                        failures.add("probe " + i + ": " + e + " after " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms");
                    }
                    maxAgentThreads = Math.max(maxAgentThreads, ProcessStats.agentThreads(pid));
                    maxThreads = Math.max(maxThreads, ProcessStats.threads(pid));
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(30)); // pacing, like a prober's period
                }
            } finally {
                attack.stop.set(true);
                attacker.join(10_000);
                attack.closeAll();
            }
            System.out.println("[SlowClientsIT] JDK " + jdk + ": " + ATTACKERS + " slow connections from 127.0.0.2 (" + attack.connects.get()
                    + " connects in total, " + attack.halfRequests.get() + " with half a request); " + right + "/" + PROBES
                    + " probes right within " + PROBE_LIMIT_MILLIS + " ms, slowest " + slowest + " ms; agent threads max "
                    + maxAgentThreads + "; process threads " + threadsBefore + " before, max " + maxThreads
                    + "; listen queue overflows (whole network namespace) " + (listenOverflows() - overflowsBefore));
            assertTrue(right >= 99, right + " of " + PROBES + " probes were right within 1 s: " + failures);
            assertTrue(attack.connects.get() >= ATTACKERS, "the attack ran: " + attack.connects.get() + " connects");
            assertTrue(maxAgentThreads <= 3, "agent threads (evaluator and the selector thread; no thread per connection): " + maxAgentThreads);
            assertTrue(maxThreads - threadsBefore <= 10, "process threads grew from " + threadsBefore + " to " + maxThreads);
            assertEquals(200, Http.get(url, "/live").status, "still serving after the attack");
        }
    }

    /** TcpExtListenOverflows: SYNs dropped because an accept queue was full (Linux; -1 elsewhere). */
    private static long listenOverflows() {
        try {
            List<String> lines = java.nio.file.Files.readAllLines(java.nio.file.Paths.get("/proc/net/netstat"));
            for (int i = 0; i + 1 < lines.size(); i += 2) {
                String[] names = lines.get(i).split(" ");
                String[] values = lines.get(i + 1).split(" ");
                for (int k = 0; k < names.length; k++) {
                    if (names[k].equals("ListenOverflows")) {
                        return Long.parseLong(values[k]);
                    }
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // not Linux
        }
        return -1;
    }

    /** Keeps 400 connections from 127.0.0.2 open: each one idles or has sent half a head; dropped ones are re-opened. */
    private static final class Attack implements Runnable {
        final int port;
        final SocketChannel[] channels = new SocketChannel[ATTACKERS];
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicInteger connects = new AtomicInteger();
        final AtomicInteger halfRequests = new AtomicInteger();
        private final ByteBuffer sink = ByteBuffer.allocate(4096);

        Attack(int port) {
            this.port = port;
        }

        void openAll() {
            for (int i = 0; i < ATTACKERS; i++) {
                open(i);
            }
        }

        private void open(int i) {
            try {
                SocketChannel c = SocketChannel.open();
                c.bind(new InetSocketAddress("127.0.0.2", 0));
                c.socket().connect(new InetSocketAddress("127.0.0.1", port), 1000);
                if (i % 2 == 0) {
                    c.write(ByteBuffer.wrap(HALF_REQUEST));
                    halfRequests.incrementAndGet();
                }
                c.configureBlocking(false);
                channels[i] = c;
                connects.incrementAndGet();
            } catch (IOException e) {
                channels[i] = null; // refused or reset: the next sweep tries again
            }
        }

        @Override
        public void run() {
            while (!stop.get()) {
                for (int i = 0; i < ATTACKERS && !stop.get(); i++) {
                    SocketChannel c = channels[i];
                    boolean dead = c == null;
                    if (!dead) {
                        try {
                            sink.clear();
                            dead = c.read(sink) != 0; // -1: closed by the agent; >0: an answer, then a close
                        } catch (IOException e) {
                            dead = true;
                        }
                    }
                    if (dead) {
                        close(c);
                        open(i);
                    }
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200)); // sweep period: bounded connect rate
            }
        }

        void closeAll() {
            for (SocketChannel c : channels) {
                close(c);
            }
        }

        private static void close(SocketChannel c) {
            if (c != null) {
                try {
                    c.close();
                } catch (IOException ignored) {
                    // gone anyway
                }
            }
        }
    }
}
