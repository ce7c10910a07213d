package io.jvmhealth.agent.http;

import java.nio.charset.StandardCharsets;

/**
 * One answer for the connection layer to write: status code, content type, body and any headers of its own
 * (the page's {@code Content-Security-Policy}). Bodies are
 * prepared by the evaluation (or built from the snapshot by {@link Router}); never modified.
 */
final class Answer {
    static final String JSON = "application/json";
    static final String TEXT = "text/plain; charset=utf-8";
    /** The Prometheus text exposition format. */
    static final String METRICS = "text/plain; version=0.0.4; charset=utf-8";
    /** The page at {@code /}. */
    static final String HTML = "text/html; charset=utf-8";

    final int code;
    final String contentType;
    final byte[] body;
    /** Header lines of this answer besides the ones every answer has ({@code Name: value\r\n} each), or null. */
    final byte[] headers;

    Answer(int code, String contentType, byte[] body) {
        this(code, contentType, body, null);
    }

    Answer(int code, String contentType, byte[] body, byte[] headers) {
        this.code = code;
        this.contentType = contentType;
        this.body = body;
        this.headers = headers;
    }

    static Answer json(int code, byte[] body) {
        return new Answer(code, JSON, body);
    }

    static Answer text(int code, String body) {
        return new Answer(code, TEXT, body.getBytes(StandardCharsets.UTF_8));
    }
}
