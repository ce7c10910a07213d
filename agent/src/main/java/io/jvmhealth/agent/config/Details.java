package io.jvmhealth.agent.config;

/** Who may see check details in response bodies. */
public enum Details {
    /** Every caller sees reasons and details. */
    ALWAYS,
    /** Bodies carry statuses only. */
    NEVER,
    /** Details only for a request carrying {@code Authorization: Bearer <token>}. */
    AUTHORIZED
}
