package io.jvmhealth.agent.it;

import io.jvmhealth.agent.testing.Http;
import io.jvmhealth.agent.testing.Poll;
import io.jvmhealth.agent.testing.ProcessStats;
import io.jvmhealth.agent.testing.TargetJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 11 (CONTRACT.md "Connections"), against a real JVM with the agent:
 * <ul>
 *   <li>64 concurrent kept-alive clients from one address, 50 requests each: every answer is 200, on
 *       one connection per client (no per-address cap resets them);</li>
 *   <li>400 slow clients from 400 addresses in 127.0.0.0/8, each holding a half-sent request, adding
 *       a byte now and then and re-opening as soon as it is dropped: at least 99 of 100 probes from
 *       127.0.0.1 are answered 200 within 1 s, on JDK 17 and 25.</li>
 * </ul>
 */
class ConnectionsIT {
    private static final int CLIENTS = 64;
    private static final int REQUESTS_EACH = 50;
    private static final int ADDRESSES = 400;
    private static final int PROBES = 100;
    private static final long PROBE_LIMIT_MILLIS = 1000;

    @Test
    void sixtyFourKeptAliveClientsFromOneAddressGetEveryAnswer() throws Exception {
        try (TargetJvm target = TargetJvm.builder().jvmArgs("-Xmx64m").agent("port=0,interval=200ms").commands("idle").start()) {
            String url = target.agentUrl(Duration.ofSeconds(20));
            Poll.until("/started to answer 200", Duration.ofSeconds(10), () -> Http.get(url, "/started"), r -> r.status == 200);
            int port = URI.create(url).getPort();
            byte[] request = ("GET /live HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            CyclicBarrier allConnected = new CyclicBarrier(CLIENTS);
            AtomicInteger ok = new AtomicInteger();
            List<String> failures = Collections.synchronizedList(new ArrayList<>());
            ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
            long began = System.nanoTime();
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int c = 0; c < CLIENTS; c++) {
                    final int client = c;
                    done.add(pool.submit(() -> {
                        try (Socket s = new Socket()) {
                            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                            s.setSoTimeout(10_000);
                            allConnected.await(30, TimeUnit.SECONDS); // 64 connections open at once
                            OutputStream out = s.getOutputStream();
                            InputStream in = new BufferedInputStream(s.getInputStream()); // one stream for all its responses
                            for (int i = 0; i < REQUESTS_EACH; i++) {
                                out.write(request);
                                out.flush();
                                Http.Response r = Http.read(in, false);
                                if (r.status == 200 && r.body.contains("\"status\":\"healthy\"") && r.header("connection") == null) {
                                    ok.incrementAndGet();
                                } else {
                                    failures.add("client " + client + " request " + i + ": " + r.status + " " + r.headers + " " + r.body);
                                }
                            }
                        } catch (Exception e) {
                            failures.add("client " + client + ": " + e);
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get(120, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            long millis = (System.nanoTime() - began) / 1_000_000;
            System.out.println("[ConnectionsIT] " + CLIENTS + " kept-alive clients from 127.0.0.1 x " + REQUESTS_EACH + " requests: "
                    + ok.get() + " answered 200 on their one connection in " + millis + " ms; failures " + failures.size());
            assertEquals(Collections.emptyList(), failures.subList(0, Math.min(20, failures.size())));
            assertEquals(CLIENTS * REQUESTS_EACH, ok.get());
        }
    }

    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {17, 25})
    void probesStayAnsweredWhile400AddressesHoldHalfSentRequests(int jdk) throws Exception {
        try (TargetJvm target = TargetJvm.builder().java(HostFaultsIT.jdk(jdk)).jvmArgs("-Xmx64m").agent("port=0,interval=200ms").commands("idle").start()) {
            String url = target.agentUrl(Duration.ofSeconds(20));
            Poll.until("/started to answer 200", Duration.ofSeconds(10), () -> Http.get(url, "/started"), r -> r.status == 200);
            int port = URI.create(url).getPort();
            long pid = target.pid();
            int threadsBefore = ProcessStats.threads(pid);

            ManyAddresses attack = new ManyAddresses(port);
            attack.openAll();
            Thread attacker = new Thread(attack, "many-address-attacker");
            attacker.setDaemon(true);
            attacker.start();

            int right = 0;
            long slowest = 0;
            int maxAgentThreads = 0;
            List<String> failures = new ArrayList<>();
            try {
                for (int i = 0; i < PROBES; i++) {
                    long start = System.nanoTime();
                    try {
                        Http.Response r = Http.get(url, "/live");
                        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                        slowest = Math.max(slowest, took);
                        if (r.status == 200 && r.body.contains("\"status\":\"healthy\"") && took <= PROBE_LIMIT_MILLIS) {
                            right++;
                        } else {
                            failures.add("probe " + i + ": " + r.status + " " + r.body + " after " + took + " ms");
                        }
                    } catch (IOException e) {
                        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                        slowest = Math.max(slowest, took);
                        failures.add("probe " + i + ": " + e + " after " + took + " ms");
                    }
                    maxAgentThreads = Math.max(maxAgentThreads, ProcessStats.agentThreads(pid));
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50)); // a prober's pacing
                }
            } finally {
                attack.stop.set(true);
                attacker.join(10_000);
                attack.closeAll();
            }
            System.out.println("[ConnectionsIT] JDK " + jdk + ": " + ADDRESSES + " slow clients from " + ADDRESSES
                    + " addresses (127.0.0.2-127.0.1.145; " + attack.connects.get() + " connects, " + attack.dropped.get()
                    + " dropped by the agent and re-opened at once, " + attack.failedConnects.get() + " failed connects); "
                    + right + "/" + PROBES + " probes 200 within " + PROBE_LIMIT_MILLIS + " ms, slowest " + slowest
                    + " ms; agent threads max " + maxAgentThreads + " (process threads before " + threadsBefore + ")");
            assertTrue(right >= 99, right + " of " + PROBES + " probes were right within 1 s: " + failures);
            assertTrue(attack.dropped.get() >= ADDRESSES, "the agent dropped the slow clients and they came back: " + attack.dropped.get());
            assertTrue(maxAgentThreads <= 3, "agent threads: " + maxAgentThreads);
            assertEquals(200, Http.get(url, "/live").status, "still serving after the attack");
        }
    }

    /** The address of slow client {@code i}: 127.0.0.2 upwards, never 127.0.0.1 (the prober's). */
    static InetAddress address(int i) throws IOException {
        int n = i + 2;
        return InetAddress.getByAddress(new byte[] {127, 0, (byte) (n >> 8), (byte) n});
    }

    /**
     * 400 connections, one from each address: each sends half a request head, then one more byte
     * every half second, and is re-opened the moment the agent drops it (seen on its selector).
     */
    private static final class ManyAddresses implements Runnable {
        private static final byte[] HALF = "GET /live HTTP/1.1\r\nHost: x\r\nUser-Agent: slow".getBytes(StandardCharsets.US_ASCII);
        private static final byte[] ONE = {'w'};
        final int port;
        final SocketChannel[] channels = new SocketChannel[ADDRESSES];
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicInteger connects = new AtomicInteger();
        final AtomicInteger dropped = new AtomicInteger();
        final AtomicInteger failedConnects = new AtomicInteger();
        private final Selector selector;
        private final ByteBuffer sink = ByteBuffer.allocate(4096);

        ManyAddresses(int port) throws IOException {
            this.port = port;
            this.selector = Selector.open();
        }

        void openAll() {
            for (int i = 0; i < ADDRESSES; i++) {
                open(i);
            }
        }

        private void open(int i) {
            SocketChannel c = null;
            try {
                c = SocketChannel.open();
                c.bind(new InetSocketAddress(address(i), 0));
                c.socket().connect(new InetSocketAddress("127.0.0.1", port), 1000);
                c.write(ByteBuffer.wrap(HALF));
                c.configureBlocking(false);
                c.register(selector, SelectionKey.OP_READ, i);
                channels[i] = c;
                connects.incrementAndGet();
            } catch (IOException e) {
                close(c);
                channels[i] = null; // retried on the next trickle round
                failedConnects.incrementAndGet();
            }
        }

        @Override
        public void run() {
            long nextTrickle = System.nanoTime();
            try {
                while (!stop.get()) {
                    selector.select(50);
                    Iterator<SelectionKey> ready = selector.selectedKeys().iterator();
                    while (ready.hasNext()) {
                        SelectionKey key = ready.next();
                        ready.remove();
                        int i = (Integer) key.attachment();
                        SocketChannel c = (SocketChannel) key.channel();
                        boolean dead;
                        try {
                            sink.clear();
                            dead = c.read(sink) != 0; // -1: dropped by the agent; an answer would mean it was served
                        } catch (IOException e) {
                            dead = true;
                        }
                        if (dead) {
                            dropped.incrementAndGet();
                            key.cancel();
                            close(c);
                            open(i); // at once
                        }
                    }
                    if (System.nanoTime() - nextTrickle >= 0) {
                        nextTrickle = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
                        for (int i = 0; i < ADDRESSES && !stop.get(); i++) {
                            SocketChannel c = channels[i];
                            if (c == null || !c.isOpen()) {
                                open(i);
                                continue;
                            }
                            try {
                                c.write(ByteBuffer.wrap(ONE));
                            } catch (IOException e) {
                                // dropped: its key fires and it is re-opened
                            }
                        }
                    }
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        void closeAll() throws IOException {
            for (SocketChannel c : channels) {
                close(c);
            }
            selector.close();
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
