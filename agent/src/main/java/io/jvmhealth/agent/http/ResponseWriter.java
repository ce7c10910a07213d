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
    /** Room for the head of any answer, besides its content type. */
    private static final int HEAD_ROOM = 384;

    private static final byte[] OK = head(200, "OK");
    private static final byte[] UNAVAILABLE = head(503, "Service Unavailable");
    private static final byte[] BAD_REQUEST = head(400, "Bad Request");
    private static final byte[] NOT_FOUND = head(404, "Not Found");
    private static final byte[] METHOD_NOT_ALLOWED = head(405, "Method Not Allowed");
    private static final byte[] PAYLOAD_TOO_LARGE = head(413, "Content Too Large");
    private static final byte[] HEADERS_TOO_LARGE = head(431, "Request Header Fields Too Large");
    private static final byte[] VERSION_NOT_SUPPORTED = head(505, "HTTP Version Not Supported");

    static final byte[] NOT_FOUND_BODY = ascii("{\"error\":\"not found\",\"paths\":[\"/live\",\"/ready\",\"/started\",\"/health\"]}");
    static final byte[] METHOD_NOT_ALLOWED_BODY = ascii("{\"error\":\"method not allowed\",\"allow\":[\"GET\",\"HEAD\"]}");
    static final byte[] BAD_REQUEST_BODY = ascii("{\"error\":\"bad request\"}");
    static final byte[] PAYLOAD_TOO_LARGE_BODY = ascii("{\"error\":\"request bodies are not accepted\"}");
    static final byte[] HEADERS_TOO_LARGE_BODY = ascii("{\"error\":\"request head larger than 8192 bytes\"}");
    static final byte[] VERSION_NOT_SUPPORTED_BODY = ascii("{\"error\":\"HTTP/1.0 and HTTP/1.1 only\"}");

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
        ensure(HEAD_ROOM + contentType.length() + (withBody ? body.length : 0));
        buf.clear();
        buf.put(statusHead(code));
        appendContentType(contentType);
        buf.put(COMMON_BYTES);
        appendDigits(body.length);
        buf.put(CRLF);
        if (code == 405) {
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

    static byte[] errorBody(int code) {
        switch (code) {
            case 404: return NOT_FOUND_BODY;
            case 405: return METHOD_NOT_ALLOWED_BODY;
            case 413: return PAYLOAD_TOO_LARGE_BODY;
            case 431: return HEADERS_TOO_LARGE_BODY;
            case 505: return VERSION_NOT_SUPPORTED_BODY;
            default: return BAD_REQUEST_BODY;
        }
    }

    private static byte[] statusHead(int code) {
        switch (code) {
            case 200: return OK;
            case 503: return UNAVAILABLE;
            case 404: return NOT_FOUND;
            case 405: return METHOD_NOT_ALLOWED;
            case 413: return PAYLOAD_TOO_LARGE;
            case 431: return HEADERS_TOO_LARGE;
            case 505: return VERSION_NOT_SUPPORTED;
            default: return BAD_REQUEST;
        }
    }

    private void appendContentType(String contentType) {
        if (Answer.JSON.equals(contentType)) {
            buf.put(CONTENT_TYPE_JSON);
        } else if (Answer.TEXT.equals(contentType)) {
            buf.put(CONTENT_TYPE_TEXT);
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

    private static byte[] head(int code, String text) {
        return ascii("HTTP/1.1 " + code + " " + text + "\r\n");
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
