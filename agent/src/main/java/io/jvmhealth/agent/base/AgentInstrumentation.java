package io.jvmhealth.agent.base;

import java.io.File;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.lang.instrument.Instrumentation;

/**
 * What this JVM gave the agent as it started, kept where every layer can read it without importing the entry
 * point: the {@link Instrumentation} (from {@code premain} or {@code agentmain}; null when the agent was started
 * another way, tests and benchmarks: the parts that need it, method gates, recognizing applications, seeing loaded
 * classes, the platform beans' export, then fall back or say so), and the JVM's own standard error, which
 * {@link AgentLog} writes to.
 *
 * <p>Why the JVM's own stderr: a host may replace {@code System.err} once it runs. WildFly does, once its logging is
 * configured: every later line written to {@code System.err} becomes a log record, {@code ERROR [stderr] (thread)
 * [jvm-health] INFO ...}, in its console and in server.log, an ERROR whatever the agent's level (seen with
 * WildFly 38). The agent's lines are not the host's log records: kept here in {@code premain}, before the host's
 * {@code main} runs, {@code System.err} is still the JVM's own stream, and the agent writes there for its whole life.
 */
public final class AgentInstrumentation {
    private static volatile Instrumentation instrumentation;
    private static volatile PrintStream stderr;
    private static volatile File jar;

    private AgentInstrumentation() {
    }

    /** Kept once per start; a later agentmain without one keeps the earlier. */
    public static void set(Instrumentation given) {
        set(given, null);
    }

    /** As {@link #set(Instrumentation)}, with the agent's jar as the entry point found it (null: not known). */
    public static void set(Instrumentation given, File agentJar) {
        if (given != null) {
            instrumentation = given;
        }
        if (agentJar != null) {
            jar = agentJar;
        }
    }

    /**
     * The agent's jar as the entry point saw it, or null (started another way). Its classes cannot say it themselves
     * once they load from the bootstrap loader's search (no code source there).
     */
    public static File jar() {
        return jar;
    }

    /**
     * Keeps the JVM's own standard error, once: {@code System.err} when it is still the JVM's plain
     * {@link PrintStream} (in {@code premain}, before the host's {@code main}), else (attached into a host that has
     * already replaced it with a stream of its own, such as WildFly's capture) a stream on file descriptor 2, where the
     * JVM's standard error goes. Cheap; never throws.
     */
    public static void keepStderr() {
        keepStderr(System.err);
    }

    /** As {@link #keepStderr()}, with {@code System.err} as the caller found it earlier ({@code premain}, on the host's thread). */
    public static void keepStderr(PrintStream found) {
        if (stderr != null) {
            return;
        }
        try {
            PrintStream err = found;
            stderr = err != null && err.getClass() == PrintStream.class ? err
                    : new PrintStream(new FileOutputStream(FileDescriptor.err), true);
        } catch (Throwable ignored) {
            // AgentLog falls back to System.err
        }
    }

    /** The stream {@link #keepStderr} kept, or null (the agent started another way: tests, benchmarks). */
    public static PrintStream stderr() {
        return stderr;
    }

    /** The JVM's instrumentation, or null. Never used on the host's start-up thread. */
    public static Instrumentation get() {
        return instrumentation;
    }
}
