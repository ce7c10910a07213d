package io.jvmhealth.agent.health.checks.hang;

import javax.management.MBeanServer;
import java.util.List;

/**
 * Where a recognized server keeps its request pools, and how they are read: the one thing a server adds for the
 * {@code hang} and {@code request-pool} checks (its recognizer hands one out, see {@code apps/Recognizer#requestPools}).
 * The check knows no server by name.
 *
 * <p>{@link #read} runs on a JMX reader thread with a time budget, never on the evaluator's: the server's getters are
 * the application's code. It reads the server's MBeans where {@code mbeans} is given (the application created its
 * MBeanServer; the agent never creates one for this), else, where the server keeps no MBean, the pool object reached
 * from one of its threads ({@link PoolThreads}). It never changes anything in the server, and finds nothing (adds
 * nothing) while the server does not run. Reads of one instance never overlap (one read at a time); an instance may
 * keep what it found between reads.
 */
public interface RequestPools {
    /** The server's name as the checks' details say it: {@code tomcat}, {@code jetty}, {@code undertow}. */
    String server();

    /**
     * Adds the server's pools as they are now to {@code into}.
     *
     * @param mbeans  the application's MBeanServer, or null when it has none (then only {@code threads} may tell)
     * @param threads this JVM's threads and their tasks (enumerated only if asked)
     */
    void read(MBeanServer mbeans, PoolThreads threads, List<RequestPool> into) throws Exception;
}
