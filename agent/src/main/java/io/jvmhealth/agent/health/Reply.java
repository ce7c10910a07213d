package io.jvmhealth.agent.health;

/**
 * One endpoint's prepared answer: an HTTP status code and two serialized JSON bodies, one with
 * reasons and details and one with the status only. Built once per evaluation; request threads
 * only copy these bytes. The arrays are never modified after construction.
 */
public final class Reply {
    /** A probe's answer when it passes. */
    public static final int OK = 200;
    /** A probe's answer when it fails. */
    public static final int UNAVAILABLE = 503;

    private final int code;
    private final byte[] fullBody;
    private final byte[] briefBody;

    Reply(int code, byte[] fullBody, byte[] briefBody) {
        this.code = code;
        this.fullBody = fullBody;
        this.briefBody = briefBody;
    }

    public int code() {
        return code;
    }

    /** The body with reasons and details. Callers must not modify it. */
    public byte[] fullBody() {
        return fullBody;
    }

    /** The body with {@code status} only. Callers must not modify it. */
    public byte[] briefBody() {
        return briefBody;
    }
}
