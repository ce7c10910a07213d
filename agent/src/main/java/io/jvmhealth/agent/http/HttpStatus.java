package io.jvmhealth.agent.http;

import io.jvmhealth.agent.health.Reply;

import java.nio.charset.StandardCharsets;

/**
 * Every status the agent answers with, in one place: its status line, and the JSON body of each error.
 * 200 and 503 are the probes' answers (decided by the snapshot, {@link Reply#OK} and
 * {@link Reply#UNAVAILABLE}); the others are the connection layer's and the router's refusals.
 */
final class HttpStatus {
    static final int OK = Reply.OK;
    static final int UNAVAILABLE = Reply.UNAVAILABLE;
    static final int BAD_REQUEST = 400;
    static final int NOT_FOUND = 404;
    static final int METHOD_NOT_ALLOWED = 405;
    static final int PAYLOAD_TOO_LARGE = 413;
    static final int HEADERS_TOO_LARGE = 431;
    static final int VERSION_NOT_SUPPORTED = 505;

    private static final byte[] OK_LINE = line(OK, "OK");
    private static final byte[] UNAVAILABLE_LINE = line(UNAVAILABLE, "Service Unavailable");
    private static final byte[] BAD_REQUEST_LINE = line(BAD_REQUEST, "Bad Request");
    private static final byte[] NOT_FOUND_LINE = line(NOT_FOUND, "Not Found");
    private static final byte[] METHOD_NOT_ALLOWED_LINE = line(METHOD_NOT_ALLOWED, "Method Not Allowed");
    private static final byte[] PAYLOAD_TOO_LARGE_LINE = line(PAYLOAD_TOO_LARGE, "Content Too Large");
    private static final byte[] HEADERS_TOO_LARGE_LINE = line(HEADERS_TOO_LARGE, "Request Header Fields Too Large");
    private static final byte[] VERSION_NOT_SUPPORTED_LINE = line(VERSION_NOT_SUPPORTED, "HTTP Version Not Supported");

    /** 404: names every path the agent serves ({@link Endpoint}). */
    static final byte[] NOT_FOUND_BODY = notFoundBody();
    static final byte[] METHOD_NOT_ALLOWED_BODY = ascii("{\"error\":\"method not allowed\",\"allow\":[\"GET\",\"HEAD\"]}");
    static final byte[] BAD_REQUEST_BODY = ascii("{\"error\":\"bad request\"}");
    static final byte[] PAYLOAD_TOO_LARGE_BODY = ascii("{\"error\":\"request bodies are not accepted\"}");
    static final byte[] HEADERS_TOO_LARGE_BODY = ascii("{\"error\":\"request head larger than " + RequestReader.MAX_HEAD_BYTES + " bytes\"}");
    static final byte[] VERSION_NOT_SUPPORTED_BODY = ascii("{\"error\":\"HTTP/1.0 and HTTP/1.1 only\"}");

    private HttpStatus() {
    }

    /** The JSON body of an error status (400 for any status without one of its own). */
    static byte[] errorBody(int code) {
        switch (code) {
            case NOT_FOUND: return NOT_FOUND_BODY;
            case METHOD_NOT_ALLOWED: return METHOD_NOT_ALLOWED_BODY;
            case PAYLOAD_TOO_LARGE: return PAYLOAD_TOO_LARGE_BODY;
            case HEADERS_TOO_LARGE: return HEADERS_TOO_LARGE_BODY;
            case VERSION_NOT_SUPPORTED: return VERSION_NOT_SUPPORTED_BODY;
            default: return BAD_REQUEST_BODY;
        }
    }

    /** {@code HTTP/1.1 <code> <reason>\r\n} (400's for a status the agent never sends). */
    static byte[] statusLine(int code) {
        switch (code) {
            case OK: return OK_LINE;
            case UNAVAILABLE: return UNAVAILABLE_LINE;
            case NOT_FOUND: return NOT_FOUND_LINE;
            case METHOD_NOT_ALLOWED: return METHOD_NOT_ALLOWED_LINE;
            case PAYLOAD_TOO_LARGE: return PAYLOAD_TOO_LARGE_LINE;
            case HEADERS_TOO_LARGE: return HEADERS_TOO_LARGE_LINE;
            case VERSION_NOT_SUPPORTED: return VERSION_NOT_SUPPORTED_LINE;
            default: return BAD_REQUEST_LINE;
        }
    }

    private static byte[] notFoundBody() {
        StringBuilder b = new StringBuilder("{\"error\":\"not found\",\"paths\":[");
        String[] paths = Endpoint.documentedPaths();
        for (int i = 0; i < paths.length; i++) {
            b.append(i == 0 ? "\"" : ",\"").append(paths[i]).append('"');
        }
        return ascii(b.append("]}").toString());
    }

    private static byte[] line(int code, String text) {
        return ascii("HTTP/1.1 " + code + " " + text + "\r\n");
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
