package io.jvmhealth.agent.http;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The request-head parser on byte arrays: what it accepts, what it refuses and with which code. */
class RequestReaderTest {
    private static final long FAR = Long.MAX_VALUE / 4;

    private static RequestReader reader(String raw) {
        return reader(raw.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static RequestReader reader(byte[] raw) {
        return new RequestReader(new ByteArrayInputStream(raw), null);
    }

    /** Parses one head and returns the reader, failing if the stream ended first. */
    private static RequestReader parsed(String raw) throws IOException {
        RequestReader r = reader(raw);
        assertTrue(r.next(System.nanoTime() + FAR), "a head was expected in: " + raw);
        return r;
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
        assertEquals(Endpoint.LIVE, endpoint(parsed("GET /live?x=1 HTTP/1.1\r\n\r\n")));
        assertEquals(Endpoint.LIVE, endpoint(parsed("GET /live#frag HTTP/1.1\r\n\r\n")));
        assertEquals(Endpoint.HEALTH, endpoint(parsed("GET http://pod:9555/health HTTP/1.1\r\n\r\n")));
    }

    @Test
    void bareLineFeedsAndLeadingBlankLinesAreTolerated() throws IOException {
        RequestReader r = parsed("\r\n\r\nGET /ready HTTP/1.1\nHost: x\n\n");
        assertEquals(0, r.error);
        assertEquals(Endpoint.READY, endpoint(r));
    }

    @Test
    void unknownPathsAndTraversalsAreUnknownNot400() throws IOException {
        for (String path : Arrays.asList("/", "/live/", "/LIVE", "/../live", "/live/..", "/%6Cive", "/%zz", "/%", "//live", "*")) {
            RequestReader r = parsed("GET " + path + " HTTP/1.1\r\n\r\n");
            assertEquals(0, r.error, path);
            assertEquals(null, endpoint(r), path);
        }
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
        RequestReader r = parsed("GET /live HTTP/1.2\r\n\r\n");
        assertEquals(0, r.error);
        assertTrue(r.keepAlive);
    }

    @Test
    void unknownMethodsAreRecognisedAsOther() throws IOException {
        for (String method : Arrays.asList("POST", "PUT", "DELETE", "get", "BREW", "OPTIONS")) {
            RequestReader r = parsed(method + " /live HTTP/1.1\r\n\r\n");
            assertEquals(0, r.error, method);
            assertEquals(RequestReader.OTHER_METHOD, r.method, method);
        }
    }

    @Test
    void malformedHeadersAre400() throws IOException {
        for (String header : Arrays.asList("NoColon", ": v", " folded: x", "Bad Name: x", "X: a\u0000b", "X: a\rb", "X: \u007f",
                "Content-Length: -1", "Content-Length: abc", "Content-Length: 99999999999999999999", "Content-Length: +5",
                "Content-Length:", "Content-Length: 5\r\nContent-Length: 6")) {
            RequestReader r = parsed("GET /live HTTP/1.1\r\n" + header + "\r\n\r\n");
            assertEquals(400, r.error, header);
            assertFalse(r.keepAlive, header);
        }
    }

    @Test
    void announcedBodiesAreFlaggedAndCloseTheConnection() throws IOException {
        RequestReader cl = parsed("GET /live HTTP/1.1\r\nContent-Length: 10\r\n\r\n");
        assertTrue(cl.hasBody);
        assertFalse(cl.keepAlive);
        RequestReader te = parsed("GET /live HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n");
        assertTrue(te.hasBody);
        RequestReader zero = parsed("GET /live HTTP/1.1\r\nContent-Length: 0\r\n\r\n");
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
        RequestReader r = new RequestReader(in, null);
        assertTrue(r.next(System.nanoTime() + FAR));
        assertEquals(431, r.error);
        assertTrue(in.read <= RequestReader.MAX_HEAD_BYTES, "read " + in.read + " bytes");
    }

    @Test
    void pipelinedHeadsAreParsedOneAfterAnother() throws IOException {
        RequestReader r = reader("GET /live HTTP/1.1\r\n\r\nHEAD /ready HTTP/1.1\r\n\r\nGET /nope HTTP/1.1\r\n\r\nBREW");
        long deadline = System.nanoTime() + FAR;
        assertTrue(r.next(deadline));
        assertEquals(Endpoint.LIVE, endpoint(r));
        assertTrue(r.next(deadline));
        assertEquals(Endpoint.READY, endpoint(r));
        assertEquals(RequestReader.HEAD, r.method);
        assertTrue(r.next(deadline));
        assertEquals(null, endpoint(r));
        assertFalse(r.next(deadline), "an unfinished head at end of stream is dropped");
    }

    @Test
    void endOfStreamOrAPassedDeadlineEndTheConnectionWithoutAnAnswer() throws IOException {
        assertFalse(reader("").next(System.nanoTime() + FAR));
        assertFalse(reader("GET /live HTTP/1.1\r\nHost").next(System.nanoTime() + FAR));
        assertFalse(reader("GET /live HTTP/1.1\r\n").next(System.nanoTime() - 1));
    }

    @Test
    void bearerTokenMatchesOnlyExactly() throws IOException {
        byte[] token = "s3cret-token".getBytes(StandardCharsets.UTF_8);
        assertTrue(parsed("GET /health HTTP/1.1\r\nAuthorization: Bearer s3cret-token\r\n\r\n").bearerMatches(token));
        assertTrue(parsed("GET /health HTTP/1.1\r\nauthorization: bearer s3cret-token \r\n\r\n").bearerMatches(token));
        for (String value : Arrays.asList("Bearer s3cret-toke", "Bearer s3cret-token2", "Bearer S3cret-token", "Basic s3cret-token",
                "s3cret-token", "Bearer ", "Bearer")) {
            assertFalse(parsed("GET /health HTTP/1.1\r\nAuthorization: " + value + "\r\n\r\n").bearerMatches(token), value);
        }
        assertFalse(parsed("GET /health HTTP/1.1\r\n\r\n").bearerMatches(token));
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
            RequestReader r = reader(bytes);
            long deadline = System.nanoTime() + FAR;
            int heads = 0;
            while (r.next(deadline) && heads++ < 100) {
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
