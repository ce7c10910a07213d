package io.jvmhealth.agent.http;

import java.nio.charset.StandardCharsets;

/**
 * One answer for the connection layer to write: status code, content type and body. Bodies are
 * prepared by the evaluation (or built from the snapshot by {@link Router}); never modified.
 */
final class Answer {
    static final String JSON = "application/json";
    static final String TEXT = "text/plain; charset=utf-8";
    /** The Prometheus text exposition format. */
    static final String METRICS = "text/plain; version=0.0.4; charset=utf-8";

    final int code;
    final String contentType;
    final byte[] body;

    Answer(int code, String contentType, byte[] body) {
        this.code = code;
        this.contentType = contentType;
        this.body = body;
    }

    static Answer json(int code, byte[] body) {
        return new Answer(code, JSON, body);
    }

    static Answer text(int code, String body) {
        return new Answer(code, TEXT, body.getBytes(StandardCharsets.UTF_8));
    }
}
