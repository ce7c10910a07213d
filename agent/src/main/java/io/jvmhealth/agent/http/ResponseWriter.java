package io.jvmhealth.agent.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Lays out a whole response (head and body) in one direct buffer, built from byte arrays prepared
 * once, so it leaves with one non-blocking write (one packet for a probe's answer). No date
 * formatting, no header maps, no allocation per response. Owned by the selector thread: one for all
 * connections.
 */
final class ResponseWriter {
    /** The {@code Connection} header of an answer. */
    enum ConnectionHeader {
        /** HTTP/1.1 kept alive: no header needed. */
        NONE,
        /** The connection closes after this answer. */
        CLOSE,
        /** HTTP/1.0 that asked to be kept alive. */
        KEEP_ALIVE
    }

    private static final byte[] CRLF = ascii("\r\n");
    private static final byte[] ALLOW = ascii("Allow: GET, HEAD\r\n");
    private static final byte[] CLOSE = ascii("Connection: close\r\n");
    private static final byte[] KEEP_ALIVE = ascii("Connection: keep-alive\r\n");
    private static final String COMMON = "Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nContent-Length: ";
    private static final byte[] COMMON_BYTES = ascii(COMMON);
    private static final byte[] CONTENT_TYPE_JSON = ascii("Content-Type: " + Answer.JSON + "\r\n");
    private static final byte[] CONTENT_TYPE_TEXT = ascii("Content-Type: " + Answer.TEXT + "\r\n");
    private static final byte[] CONTENT_TYPE_HTML = ascii("Content-Type: " + Answer.HTML + "\r\n");
    /** Room for the head of any answer, besides its content type. */
    private static final int HEAD_ROOM = 384;

    private ByteBuffer buf = ByteBuffer.allocateDirect(16 * 1024);

    /** The answer laid out in the buffer, ready to be written: valid until the next call. */
    ByteBuffer write(int code, byte[] body, ConnectionHeader connection, boolean withBody) {
        return write(code, Answer.JSON, body, connection, withBody);
    }

    /**
     * As {@link #write(int, byte[], ConnectionHeader, boolean)}, with the body's content type.
     *
     * @param withBody false for HEAD: the same head (Content-Length included), no body
     */
    ByteBuffer write(int code, String contentType, byte[] body, ConnectionHeader connection, boolean withBody) {
        return write(code, contentType, body, null, connection, withBody);
    }

    /**
     * As {@link #write(int, String, byte[], ConnectionHeader, boolean)}, with header lines of the answer's own.
     *
     * @param headers {@code Name: value\r\n} lines written after the common ones, or null
     */
    ByteBuffer write(int code, String contentType, byte[] body, byte[] headers, ConnectionHeader connection, boolean withBody) {
        ensure(HEAD_ROOM + contentType.length() + (headers == null ? 0 : headers.length) + (withBody ? body.length : 0));
        buf.clear();
        buf.put(HttpStatus.statusLine(code));
        appendContentType(contentType);
        buf.put(COMMON_BYTES);
        appendDigits(body.length);
        buf.put(CRLF);
        if (headers != null) {
            buf.put(headers);
        }
        if (code == HttpStatus.METHOD_NOT_ALLOWED) {
            buf.put(ALLOW);
        }
        if (connection == ConnectionHeader.CLOSE) {
            buf.put(CLOSE);
        } else if (connection == ConnectionHeader.KEEP_ALIVE) {
            buf.put(KEEP_ALIVE);
        }
        buf.put(CRLF);
        if (withBody) {
            buf.put(body);
        }
        buf.flip();
        return buf;
    }

    private void appendContentType(String contentType) {
        if (Answer.JSON.equals(contentType)) {
            buf.put(CONTENT_TYPE_JSON);
        } else if (Answer.TEXT.equals(contentType)) {
            buf.put(CONTENT_TYPE_TEXT);
        } else if (Answer.HTML.equals(contentType)) {
            buf.put(CONTENT_TYPE_HTML);
        } else {
            buf.put(ascii("Content-Type: " + contentType + "\r\n"));
        }
    }

    /** Grows the buffer for a large answer (a body is bounded by what the evaluation prepared). */
    private void ensure(int capacity) {
        if (buf.capacity() < capacity) {
            buf = ByteBuffer.allocateDirect(Math.max(capacity, buf.capacity() * 2));
        }
    }

    private void appendDigits(int value) {
        int digits = 1;
        for (int v = value; v >= 10; v /= 10) {
            digits++;
        }
        int at = buf.position();
        for (int i = digits - 1, v = value; i >= 0; i--, v /= 10) {
            buf.put(at + i, (byte) ('0' + v % 10));
        }
        buf.position(at + digits);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
