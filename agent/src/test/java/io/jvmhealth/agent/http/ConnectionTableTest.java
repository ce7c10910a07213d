package io.jvmhealth.agent.http;

import io.jvmhealth.agent.config.Details;
import io.jvmhealth.agent.health.Evaluator;
import io.jvmhealth.agent.health.HealthCheck;
import io.jvmhealth.agent.testing.Http;
import io.jvmhealth.agent.testing.Poll;
import io.jvmhealth.agent.testing.StubCheck;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The selector loop in this JVM, over real sockets on 127.0.0.1, with small limits: the connection
 * table closes the longest idle connection when full and serves the new one; head and idle deadlines
 * close what waits too long; HTTP details (Host, repeated Connection headers, HEAD errors).
 */
class ConnectionTableTest {
    private static final int MAX = 8;
    private static final byte[] KEEP_ALIVE_PROBE = ascii("GET /live HTTP/1.1\r\nHost: x\r\n\r\n");

    private final List<Socket> sockets = new ArrayList<>();
    private HealthServer server;

    private int start(int max, long headMillis, long idleMillis) throws IOException {
        HealthCheck ok = StubCheck.readiness("deadlock");
        Evaluator evaluator = new Evaluator(Collections.singletonList(ok), 1000);
        evaluator.evaluateOnce();
        server = HealthServer.create(ListeningSocket.bind("127.0.0.1", 0), evaluator, Details.ALWAYS, null, max, headMillis, idleMillis);
        server.start();
        return server.port();
    }

    @AfterEach
    void stop() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        if (server != null) {
            server.stop();
        }
    }

    private Socket connect(int port) throws IOException {
        Socket s = new Socket();
        sockets.add(s);
        s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        s.setSoTimeout(5000);
        return s;
    }

    private static Http.Response ask(Socket s, byte[] request, boolean head) throws IOException {
        s.getOutputStream().write(request);
        s.getOutputStream().flush();
        return Http.read(s.getInputStream(), head);
    }

    /** True once the server has closed {@code s} (end of stream or reset), false if it is open after 100 ms of silence. */
    private static boolean closedByServer(Socket s) throws IOException {
        s.setSoTimeout(100);
        try {
            InputStream in = s.getInputStream();
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    @Test
    void pastTheMaximumTheLongestIdleConnectionIsClosedAndTheNewOneServed() throws Exception {
        int port = start(MAX, 10_000, 60_000);
        List<Socket> kept = new ArrayList<>();
        for (int i = 0; i < MAX; i++) {
            Socket s = connect(port);
            assertEquals(200, ask(s, KEEP_ALIVE_PROBE, false).status, "kept-alive connection " + i);
            kept.add(s); // idle from now on, the first one longest
        }
        assertEquals(0, server.closedByLimit());

        Socket newcomer = connect(port);
        Http.Response answer = ask(newcomer, KEEP_ALIVE_PROBE, false);
        assertEquals(200, answer.status, "the connection past the maximum is served");

        Poll.until("the longest idle connection closed", Duration.ofSeconds(5), () -> closedByServer(kept.get(0)), closed -> closed);
        for (int i = 1; i < MAX; i++) {
            assertEquals(200, ask(kept.get(i), KEEP_ALIVE_PROBE, false).status, "connection " + i + " stays open and served");
        }
        assertEquals(200, ask(newcomer, KEEP_ALIVE_PROBE, false).status, "and so does the newcomer");
        assertEquals(1, server.closedByLimit(), "exactly one connection closed to make room");

        // Now connection 1 is the longest idle (2..7 and the newcomer answered after it).
        Socket another = connect(port);
        assertEquals(200, ask(another, KEEP_ALIVE_PROBE, false).status);
        Poll.until("connection 1 closed next", Duration.ofSeconds(5), () -> closedByServer(kept.get(1)), closed -> closed);
        assertFalse(closedByServer(kept.get(2)), "connection 2 is still open");
        System.out.println("[ConnectionTableTest] limit " + MAX + ": the longest idle closed twice, every probe answered 200");
    }

    @Test
    void aHalfSentHeadIsClosedAtItsDeadlineAndAnIdleKeptAliveConnectionAtItsOwn() throws Exception {
        int port = start(MAX, 300, 1500);
        Socket half = connect(port);
        half.getOutputStream().write(ascii("GET /live HTTP/1.1\r\nHost: x\r\nUser-Agent: slo"));
        Socket idle = connect(port);
        assertEquals(200, ask(idle, KEEP_ALIVE_PROBE, false).status);
        long began = System.nanoTime();
        Poll.until("the half-sent head closed after its 300 ms", Duration.ofSeconds(5), () -> closedByServer(half), closed -> closed);
        long halfMillis = (System.nanoTime() - began) / 1_000_000;
        assertFalse(closedByServer(idle), "the kept-alive connection may idle longer than a head may take");
        Poll.until("the idle connection closed after its 1500 ms", Duration.ofSeconds(10), () -> closedByServer(idle), closed -> closed);
        long idleMillis = (System.nanoTime() - began) / 1_000_000;
        assertTrue(idleMillis >= 1400, "closed only after its deadline: " + idleMillis + " ms");
        System.out.println("[ConnectionTableTest] half-sent head closed after ~" + halfMillis + " ms (deadline 300), idle after ~"
                + idleMillis + " ms (deadline 1500)");
    }

    @Test
    void http11WithoutHostIs400AndHeadAnswersCarryNoBodyErrorsIncluded() throws Exception {
        int port = start(MAX, 2000, 15_000);
        Http.Response noHost = Http.exchange("127.0.0.1", port, ascii("GET /live HTTP/1.1\r\n\r\n"), false);
        assertEquals(400, noHost.status);
        assertEquals("close", noHost.header("connection"));
        assertEquals(200, Http.exchange("127.0.0.1", port, ascii("GET /live HTTP/1.0\r\n\r\n"), false).status, "HTTP/1.0 needs no Host");

        for (String request : new String[] {"HEAD /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", "HEAD /live HTTP/1.1\r\n\r\n",
                "HEAD /live HTTP/2.0\r\n\r\n", "HEAD /live HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n",
                "HEAD /live HTTP/1.1\r\nHost: x\r\nBad Header: x\r\n\r\n", "HEAD  /live HTTP/1.1\r\n\r\n", "HEAD /live\r\n\r\n"}) {
            Socket s = connect(port);
            s.getOutputStream().write(ascii(request));
            byte[] all = s.getInputStream().readAllBytes();
            String text = new String(all, StandardCharsets.ISO_8859_1);
            int headEnd = text.indexOf("\r\n\r\n");
            assertTrue(headEnd > 0, request + " -> " + text);
            assertEquals(text.length(), headEnd + 4, "no body after the head for " + request.trim() + ": " + text);
            assertTrue(text.startsWith("HTTP/1.1 4") || text.startsWith("HTTP/1.1 505"), text);
            assertTrue(Integer.parseInt(header(text, "Content-Length")) > 0, "Content-Length still says what GET would carry: " + text);
        }
    }

    @Test
    void theLastOfRepeatedConnectionHeadersWins() throws Exception {
        int port = start(MAX, 2000, 15_000);
        Socket kept = connect(port);
        Http.Response r = ask(kept, ascii("GET /live HTTP/1.1\r\nHost: x\r\nConnection: close\r\nConnection: keep-alive\r\n\r\n"), false);
        assertEquals(200, r.status);
        assertEquals(null, r.header("connection"));
        assertEquals(200, ask(kept, KEEP_ALIVE_PROBE, false).status, "kept alive, as the last header asked");

        Socket closed = connect(port);
        r = ask(closed, ascii("GET /live HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\nConnection: close\r\n\r\n"), false);
        assertEquals("close", r.header("connection"));
        Poll.until("closed, as the last header asked", Duration.ofSeconds(5), () -> closedByServer(closed), c -> c);

        Socket old = connect(port);
        r = ask(old, ascii("GET /live HTTP/1.0\r\nConnection: close\r\nConnection: keep-alive\r\n\r\n"), false);
        assertEquals("keep-alive", r.header("connection"));
        assertEquals(200, ask(old, ascii("GET /ready HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"), false).status);
    }

    @Test
    void aFailureWhileServingClosesThatConnectionOnlyAndTheLoopGoesOn() throws Exception {
        HealthCheck ok = StubCheck.readiness("deadlock");
        Evaluator unprepared = new Evaluator(Collections.singletonList(ok), 1000); // no snapshot yet: routing throws
        server = HealthServer.create(ListeningSocket.bind("127.0.0.1", 0), unprepared, Details.ALWAYS, null, MAX, 60_000, 60_000); // only the failure can close
        server.start();
        int port = server.port();
        Socket idler = connect(port); // a connection that must survive the failures of others
        for (int i = 0; i < 3; i++) {
            Socket s = connect(port);
            s.getOutputStream().write(KEEP_ALIVE_PROBE);
            Poll.until("the failing request's connection closed, not left hanging", Duration.ofSeconds(5), () -> drainedToEnd(s), c -> c);
        }
        unprepared.evaluateOnce();
        assertEquals(200, ask(idler, KEEP_ALIVE_PROBE, false).status, "the loop and the other connections live on");
        assertEquals(200, Http.exchange("127.0.0.1", port, ascii("GET /live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), false).status);
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrderAndAClientThatStopsReadingCostsOnlyItsConnection() throws Exception {
        int port = start(MAX, 500, 15_000);
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 20_000; i++) {
            many.append("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
        }
        byte[] flood = ascii(many.toString()); // about 13 MB of answers: more than the sockets' buffers hold
        Socket stalled = connect(port);
        stalled.setReceiveBufferSize(4096);
        Thread writer = new Thread(() -> {
            try {
                stalled.getOutputStream().write(flood); // blocks once the server stops reading; ends when it closes
            } catch (IOException expected) {
                // closed by the server
            }
        }, "stalled-writer");
        writer.setDaemon(true);
        writer.start();
        Socket probe = connect(port);
        for (int i = 0; i < 20; i++) {
            assertEquals(200, ask(probe, KEEP_ALIVE_PROBE, false).status, "probe " + i + " beside a client that reads nothing");
        }
        Poll.until("the stalled reader's connection closed after its deadline (the probe's stays)", Duration.ofSeconds(10),
                () -> server.openConnections(), n -> n == 1);
        // Polled: each read waits 100 ms, and on a loaded machine the rest of its answers can take longer to arrive.
        assertTrue(Poll.until("the stalled reader sees its answers so far, then the end", Duration.ofSeconds(10),
                () -> drainedToEnd(stalled), c -> c));
        writer.join(5000);
        assertFalse(writer.isAlive(), "the stalled client's write ended with its connection");

        Socket pipelined = connect(port);
        pipelined.getOutputStream().write(ascii("GET /live HTTP/1.1\r\nHost: x\r\n\r\nGET /nope HTTP/1.1\r\nHost: x\r\n\r\nHEAD /ready HTTP/1.1\r\nHost: x\r\n\r\n"));
        InputStream in = pipelined.getInputStream();
        assertEquals(200, Http.read(in, false).status);
        assertEquals(404, Http.read(in, false).status);
        assertEquals(200, Http.read(in, true).status);
    }

    /** Reads what {@code s} has; true once the server has closed it, false after 100 ms of silence. */
    private static boolean drainedToEnd(Socket s) throws IOException {
        s.setSoTimeout(100);
        byte[] sink = new byte[65536];
        try {
            while (true) {
                if (s.getInputStream().read(sink) < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private static String header(String response, String name) {
        for (String line : response.split("\r\n")) {
            if (line.regionMatches(true, 0, name + ":", 0, name.length() + 1)) {
                return line.substring(name.length() + 1).trim();
            }
        }
        return null;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
