package io.jvmhealth.agent.http;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes a whole response (head and body) with one write from a per-connection buffer, so it leaves
 * in one packet, built from byte arrays prepared once. No date formatting, no header maps, no
 * allocation per response. Not thread-safe: one per connection.
 */
final class ResponseWriter {
    private static final byte[] CRLF = ascii("\r\n");
    private static final byte[] ALLOW = ascii("Allow: GET, HEAD\r\n");
    private static final byte[] CLOSE = ascii("Connection: close\r\n");
    private static final byte[] KEEP_ALIVE = ascii("Connection: keep-alive\r\n");
    private static final String COMMON = "Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nContent-Length: ";
    private static final byte[] COMMON_BYTES = ascii(COMMON);
    private static final byte[] CONTENT_TYPE_JSON = ascii("Content-Type: " + Answer.JSON + "\r\n");
    private static final byte[] CONTENT_TYPE_TEXT = ascii("Content-Type: " + Answer.TEXT + "\r\n");

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

    private final OutputStream out;
    private byte[] buf = new byte[2048];
    private int len;

    ResponseWriter(OutputStream out) {
        this.out = out;
    }

    /**
     * Writes one response.
     *
     * @param connection 0: no Connection header; 1: {@code close}; 2: {@code keep-alive}
     * @param withBody false for HEAD: same head, no body
     */
    void write(int code, byte[] body, int connection, boolean withBody) throws IOException {
        write(code, Answer.JSON, body, connection, withBody);
    }

    /** As {@link #write(int, byte[], int, boolean)}, with the body's content type. */
    void write(int code, String contentType, byte[] body, int connection, boolean withBody) throws IOException {
        len = 0;
        ensure(384 + contentType.length() + (withBody ? body.length : 0));
        append(statusHead(code));
        appendContentType(contentType);
        append(COMMON_BYTES);
        appendDigits(body.length);
        append(CRLF);
        if (code == 405) {
            append(ALLOW);
        }
        if (connection == 1) {
            append(CLOSE);
        } else if (connection == 2) {
            append(KEEP_ALIVE);
        }
        append(CRLF);
        if (withBody) {
            append(body);
        }
        out.write(buf, 0, len);
        out.flush();
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
            append(CONTENT_TYPE_JSON);
        } else if (Answer.TEXT.equals(contentType)) {
            append(CONTENT_TYPE_TEXT);
        } else {
            append(ascii("Content-Type: " + contentType + "\r\n"));
        }
    }

    private void ensure(int capacity) {
        if (buf.length < capacity) {
            buf = new byte[Math.max(capacity, buf.length * 2)];
        }
    }

    private void append(byte[] bytes) {
        System.arraycopy(bytes, 0, buf, len, bytes.length);
        len += bytes.length;
    }

    private void appendDigits(int value) {
        int digits = 1;
        for (int v = value; v >= 10; v /= 10) {
            digits++;
        }
        for (int i = digits - 1, v = value; i >= 0; i--, v /= 10) {
            buf[len + i] = (byte) ('0' + v % 10);
        }
        len += digits;
    }

    private static byte[] head(int code, String text) {
        return ascii("HTTP/1.1 " + code + " " + text + "\r\n");
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
