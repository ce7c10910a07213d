package io.jvmhealth.agent.http.jul;

import io.jvmhealth.agent.AgentLog;

/**
 * Stands in for {@code java.util.logging.Logger} inside the shaded NanoHTTPD: the shade plugin
 * relocates NanoHTTPD's references to {@code java.util.logging} here. NanoHTTPD's class initializer
 * would otherwise start the JDK's whole logging system in the host (LogManager, its configuration
 * file, handlers): measured with scripts/bench.sh, about 0.4 to 0.5 MB of resident memory and
 * 10 to 20 ms on the way to the first answer. Its warnings and errors become one line on stderr
 * through {@link AgentLog} (never stdout, never a multi-line record); its info and debug messages
 * are dropped.
 */
public final class Logger {
    private static final Logger INSTANCE = new Logger();

    private Logger() {
    }

    public static Logger getLogger(String name) {
        return INSTANCE;
    }

    public void log(Level level, String message) {
        log(level, message, null);
    }

    public void log(Level level, String message, Throwable error) {
        if (level.reported) {
            AgentLog.warn("http: " + message + (error == null ? "" : " (" + error + ")"));
        }
    }

    public void severe(String message) {
        log(Level.SEVERE, message, null);
    }
}
