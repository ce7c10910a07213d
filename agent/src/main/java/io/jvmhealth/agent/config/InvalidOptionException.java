package io.jvmhealth.agent.config;

/** An option that cannot be used; the message is the one line shown to the user. */
public final class InvalidOptionException extends Exception {
    private static final long serialVersionUID = 1L;

    public InvalidOptionException(String message) {
        super(message, null, false, false);
    }
}
