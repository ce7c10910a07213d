package io.jvmhealth.agent.base;

/** How much the agent writes to stderr. It never writes to stdout. */
public enum LogLevel {
    /** Start, stop and every change of a check's status. */
    INFO,
    /** Only failures and changes to unhealthy. */
    WARN,
    /** Nothing, not even failures to start. */
    OFF
}
