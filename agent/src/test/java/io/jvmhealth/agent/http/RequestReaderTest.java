package io.jvmhealth.agent.http;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The request-head parser on byte arrays: what it accepts, what it refuses and with which code. */
class RequestReaderTest {
    private static Fed reader(String raw) {
        return reader(raw.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static Fed reader(byte[] raw) {
        return new Fed(new ByteArrayInputStream(raw));
    }

    /** Parses one head and returns the reader, failing if the stream ended first. */
    private static RequestReader parsed(String raw) throws IOException {
        Fed f = reader(raw);
        assertTrue(f.next(), "a head was expected in: " + raw);
        return f.r;
    }

    /** A reader fed from a stream as the selector loop feeds it from a channel: read, then parse what arrived. */
    private static final class Fed {
        final RequestReader r = new RequestReader();
        final ReadableByteChannel in;
        int reads;

        Fed(InputStream stream) {
            in = Channels.newChannel(stream);
        }

        boolean next() throws IOException {
            while (!r.next()) {
                reads++;
                if (r.readFrom(in) < 0) {
                    return false;
                }
            }
            return true;
        }
    }

    private static int errorOf(String raw) throws IOException {
        return parsed(raw).error;
    }

    @Test
    void parsesTheFourPathsWithGetAndHead() throws IOException {
        for (Endpoint e : Endpoint.values()) {
            RequestReader get = parsed("GET " + e.path + " HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals(0, get.error);
            assertEquals(RequestReader.GET, get.method);
            assertEquals(e, endpoint(get));
            assertTrue(get.keepAlive);
            RequestReader head = parsed("HEAD " + e.path + " HTTP/1.0\r\n\r\n");
            assertEquals(RequestReader.HEAD, head.method);
            assertEquals(e, endpoint(head));
            assertFalse(head.keepAlive, "HTTP/1.0 closes unless asked");
        }
    }

    @Test
    void queryAndAbsoluteFormDoNotChangeThePath() throws IOException {
        assertEquals(Endpoint.LIVE, endpoint(parsed("GET /live?x=1 HTTP/1.1\r\nHost: x\r\n\r\n")));
        assertEquals(Endpoint.LIVE, endpoint(parsed("GET /live#frag HTTP/1.1\r\nHost: x\r\n\r\n")));
        assertEquals(Endpoint.HEALTH, endpoint(parsed("GET http://pod:9555/health HTTP/1.1\r\nHost: x\r\n\r\n")));
    }

    @Test
    void bareLineFeedsAndLeadingBlankLinesAreTolerated() throws IOException {
        RequestReader r = parsed("\r\n\r\nGET /ready HTTP/1.1\nHost: x\n\n");
        assertEquals(0, r.error);
        assertEquals(Endpoint.READY, endpoint(r));
    }

    @Test
    void unknownPathsAndTraversalsAreUnknownNot400() throws IOException {
        for (String path : Arrays.asList("/index.html", "/live/", "/LIVE", "/../live", "/live/..", "/%6Cive", "/%zz", "/%", "//live", "*")) {
            RequestReader r = parsed("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals(0, r.error, path);
            assertEquals(null, endpoint(r), path);
        }
        assertEquals(Endpoint.PAGE, endpoint(parsed("GET / HTTP/1.1\r\nHost: x\r\n\r\n")), "/ is the page");
        assertEquals(Endpoint.PAGE, endpoint(parsed("GET /?x=1 HTTP/1.1\r\nHost: x\r\n\r\n")), "with a query too");
    }

    @Test
    void malformedRequestLinesAre400() throws IOException {
        for (String line : Arrays.asList("GET /live", "GET", "GET  /live HTTP/1.1", "GET /live  HTTP/1.1", " GET /live HTTP/1.1",
                "GET /live HTTP/1.1 x", "G@T /live HTTP/1.1", "GET live HTTP/1.1", "GET /li\u0000ve HTTP/1.1",
                "GET /l\u00e9ve HTTP/1.1", "GET /live?\u0001 HTTP/1.1", "GET\t/live HTTP/1.1", "GET /live HTTPS/1.1",
                "GET /live HTTP/1", "GET /live HTTP/1.1.1", "GET /live http/1.1")) {
            assertEquals(400, errorOf(line + "\r\n\r\n"), line);
        }
    }

    @Test
    void otherMajorVersionsAre505AndLaterMinorVersionsAreServedAs11() throws IOException {
        assertEquals(505, errorOf("GET /live HTTP/2.0\r\n\r\n"));
        assertEquals(505, errorOf("GET /live HTTP/0.9\r\n\r\n"));
        RequestReader r = parsed("GET /live HTTP/1.2\r\nHost: x\r\n\r\n");
        assertEquals(0, r.error);
        assertTrue(r.keepAlive);
    }

    @Test
    void unknownMethodsAreRecognisedAsOther() throws IOException {
        for (String method : Arrays.asList("POST", "PUT", "DELETE", "get", "BREW", "OPTIONS")) {
            RequestReader r = parsed(method + " /live HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals(0, r.error, method);
            assertEquals(RequestReader.OTHER_METHOD, r.method, method);
        }
    }

    @Test
    void malformedHeadersAre400() throws IOException {
        for (String header : Arrays.asList("NoColon", ": v", " folded: x", "Bad Name: x", "X: a\u0000b", "X: a\rb", "X: \u007f",
                "Content-Length: -1", "Content-Length: abc", "Content-Length: 99999999999999999999", "Content-Length: +5",
                "Content-Length:", "Content-Length: 5\r\nContent-Length: 6")) {
            RequestReader r = parsed("GET /live HTTP/1.1\r\nHost: x\r\n" + header + "\r\n\r\n");
            assertEquals(400, r.error, header);
            assertFalse(r.keepAlive, header);
        }
    }

    @Test
    void announcedBodiesAreFlaggedAndCloseTheConnection() throws IOException {
        RequestReader cl = parsed("GET /live HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n");
        assertTrue(cl.hasBody);
        assertFalse(cl.keepAlive);
        RequestReader te = parsed("GET /live HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
        assertTrue(te.hasBody);
        RequestReader zero = parsed("GET /live HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
        assertFalse(zero.hasBody);
        assertTrue(zero.keepAlive);
    }

    @Test
    void headsLargerThanTheBufferAre431WithoutReadingFurther() throws IOException {
        byte[] big = new byte[200_000];
        Arrays.fill(big, (byte) 'a');
        byte[] head = "GET /live HTTP/1.1\r\nX: ".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(head, 0, big, 0, head.length);
        CountingStream in = new CountingStream(big);
        Fed f = new Fed(in);
        assertTrue(f.next());
        assertEquals(431, f.r.error);
        assertTrue(in.read <= RequestReader.MAX_HEAD_BYTES, "read " + in.read + " bytes");
    }

    @Test
    void pipelinedHeadsAreParsedOneAfterAnother() throws IOException {
        Fed f = reader("GET /live HTTP/1.1\r\nHost: x\r\n\r\nHEAD /ready HTTP/1.1\r\nHost: x\r\n\r\nGET /nope HTTP/1.1\r\nHost: x\r\n\r\nBREW");
        RequestReader r = f.r;
        assertTrue(f.next());
        assertEquals(Endpoint.LIVE, endpoint(r));
        assertTrue(f.next());
        assertEquals(Endpoint.READY, endpoint(r));
        assertEquals(RequestReader.HEAD, r.method);
        assertTrue(f.next());
        assertEquals(null, endpoint(r));
        assertFalse(f.next(), "an unfinished head at end of stream is dropped");
    }

    @Test
    void endOfStreamBeforeAWholeHeadGivesNoRequest() throws IOException {
        assertFalse(reader("").next());
        assertFalse(reader("GET /live HTTP/1.1\r\nHost").next());
        assertFalse(reader("GET /live HTTP/1.1\r\n").next());
    }

    @Test
    void aHeadSentOneByteAtATimeIsParsedAcrossTheBuffersGrowth() throws IOException {
        RequestReader r = new RequestReader();
        byte[] head = ("GET /live HTTP/1.1\r\nHost: x\r\nX-Pad: " + repeat('a', 6000) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        OneByteAtATime in = new OneByteAtATime(head);
        long began = System.nanoTime();
        boolean done = false;
        while (!done) {
            if (r.readFrom(in) < 0) {
                break;
            }
            done = r.next();
        }
        assertTrue(done);
        assertEquals(0, r.error);
        assertEquals(Endpoint.LIVE, endpoint(r));
        System.out.println("[RequestReaderTest] " + head.length + " bytes one at a time parsed in "
                + (System.nanoTime() - began) / 1000 + " us");
    }

    @Test
    void http11WithoutHostOrWithTwoIs400AndHttp10NeedsNone() throws IOException {
        RequestReader none = parsed("GET /live HTTP/1.1\r\n\r\n");
        assertEquals(400, none.error);
        assertFalse(none.keepAlive);
        assertEquals(400, errorOf("GET /live HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"));
        assertEquals(400, errorOf("HEAD /live HTTP/1.2\r\n\r\n"));
        assertEquals(0, errorOf("GET /live HTTP/1.0\r\n\r\n"));
        assertEquals(0, errorOf("GET /live HTTP/1.1\r\nhost: pod:9555\r\n\r\n"));
        assertEquals(RequestReader.HEAD, parsed("HEAD /live HTTP/1.1\r\n\r\n").method, "the method is known, so the 400 carries no body");
    }

    @Test
    void theLastConnectionHeaderWins() throws IOException {
        assertTrue(parsed("GET /live HTTP/1.1\r\nHost: x\r\nConnection: close\r\nConnection: keep-alive\r\n\r\n").keepAlive);
        assertFalse(parsed("GET /live HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\nConnection: close\r\n\r\n").keepAlive);
        RequestReader old = parsed("GET /live HTTP/1.0\r\nConnection: close\r\nConnection: keep-alive\r\n\r\n");
        assertTrue(old.keepAlive);
        assertTrue(old.http10KeepAlive);
        assertFalse(parsed("GET /live HTTP/1.0\r\nConnection: keep-alive\r\nConnection: close\r\n\r\n").keepAlive);
        assertFalse(parsed("GET /live HTTP/1.0\r\nConnection: keep-alive\r\nConnection: close\r\n\r\n").http10KeepAlive);
        assertTrue(parsed("GET /live HTTP/1.1\r\nHost: x\r\nConnection: close\r\nConnection: Upgrade\r\n\r\n").keepAlive == false,
                "a header naming neither keeps what was asked");
    }

    @Test
    void aHeadTooLargeThatBeganWithHeadIsRecognisedAsHead() throws IOException {
        byte[] big = new byte[20_000];
        Arrays.fill(big, (byte) 'a');
        byte[] head = "HEAD /live HTTP/1.1\r\nX: ".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(head, 0, big, 0, head.length);
        Fed f = reader(big);
        assertTrue(f.next());
        assertEquals(431, f.r.error);
        assertEquals(RequestReader.HEAD, f.r.method);
    }

    private static String repeat(char c, int n) {
        char[] chars = new char[n];
        Arrays.fill(chars, c);
        return new String(chars);
    }

    /** A channel that gives one byte per read, as a slow client's packets arrive. */
    private static final class OneByteAtATime implements ReadableByteChannel {
        private final byte[] data;
        private int at;

        OneByteAtATime(byte[] data) {
            this.data = data;
        }

        @Override
        public int read(java.nio.ByteBuffer dst) {
            if (at >= data.length) {
                return -1;
            }
            dst.put(data[at++]);
            return 1;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    @Test
    void bearerTokenMatchesOnlyExactly() throws IOException {
        byte[] token = "s3cret-token".getBytes(StandardCharsets.UTF_8);
        assertTrue(parsed("GET /health HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer s3cret-token\r\n\r\n").bearerMatches(token));
        assertTrue(parsed("GET /health HTTP/1.1\r\nHost: x\r\nauthorization: bearer s3cret-token \r\n\r\n").bearerMatches(token));
        for (String value : Arrays.asList("Bearer s3cret-toke", "Bearer s3cret-token2", "Bearer S3cret-token", "Basic s3cret-token",
                "s3cret-token", "Bearer ", "Bearer")) {
            assertFalse(parsed("GET /health HTTP/1.1\r\nHost: x\r\nAuthorization: " + value + "\r\n\r\n").bearerMatches(token), value);
        }
        assertFalse(parsed("GET /health HTTP/1.1\r\nHost: x\r\n\r\n").bearerMatches(token));
    }

    @Test
    void randomBytesNeverThrow() throws IOException {
        java.util.Random random = new java.util.Random(42);
        for (int i = 0; i < 20_000; i++) {
            byte[] bytes = new byte[random.nextInt(300)];
            random.nextBytes(bytes);
            if (random.nextBoolean()) {
                byte[] head = "GET /live HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII);
                byte[] withHead = Arrays.copyOf(head, head.length + bytes.length + 4);
                System.arraycopy(bytes, 0, withHead, head.length, bytes.length);
                System.arraycopy("\r\n\r\n".getBytes(StandardCharsets.US_ASCII), 0, withHead, head.length + bytes.length, 4);
                bytes = withHead;
            }
            Fed f = reader(bytes);
            RequestReader r = f.r;
            int heads = 0;
            while (f.next() && heads++ < 100) {
                assertTrue(r.error == 0 || r.error == 400 || r.error == 431 || r.error == 505, "error " + r.error);
                if (r.error != 0) {
                    break;
                }
            }
        }
    }

    private static final class CountingStream extends InputStream {
        private final byte[] data;
        int read;

        CountingStream(byte[] data) {
            this.data = data;
        }

        @Override
        public int read() {
            return read < data.length ? data[read++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (read >= data.length) {
                return -1;
            }
            int n = Math.min(len, data.length - read);
            System.arraycopy(data, read, b, off, n);
            read += n;
            return n;
        }
    }

    /** The endpoint the parsed target names, as the server routes it; null for none. */
    private static Endpoint endpoint(RequestReader r) {
        return r.hasTarget() ? Router.endpoint(r.buffer(), r.targetFrom, r.targetTo) : null;
    }
}
