package io.jvmhealth.agent.apps;

import io.jvmhealth.agent.gates.Gates;
import io.jvmhealth.agent.gates.ListeningPorts;
import io.jvmhealth.agent.gates.MethodGate;
import io.jvmhealth.agent.gates.NeverLoaded;
import io.jvmhealth.agent.health.Publisher;
import io.jvmhealth.agent.jmx.JmxAccess;
import io.jvmhealth.agent.jmx.JmxReader;

import java.lang.instrument.Instrumentation;

/**
 * What a {@link Recognizer} plans its checks with: the agent's shared mechanisms (method gates and their
 * instrumentation, this JVM's listening ports, the bounded MBean reader), whether the agent was attached
 * to a running JVM, and the publisher a check calls when it sees a change between evaluations.
 */
public final class AppContext {
    private final Gates gates;
    private final Instrumentation instrumentation;
    private final boolean attached;
    private final JmxAccess jmxAccess;
    private final JmxReader jmxReader;
    private final Publisher publisher;

    AppContext(Gates gates, Instrumentation instrumentation, boolean attached, JmxAccess jmxAccess, JmxReader jmxReader,
               Publisher publisher) {
        this.gates = gates;
        this.instrumentation = instrumentation;
        this.attached = attached;
        this.jmxAccess = jmxAccess;
        this.jmxReader = jmxReader;
        this.publisher = publisher;
    }

    /**
     * A gate named after {@code recognizer} that passes once {@code className#methodName} has returned normally
     * (bytecode advice, see {@link MethodGate}), then {@code after} holds; it gives up waiting when the class
     * never loads (the application was recognized from its main class but this run does not start it). With
     * {@code serving}, once passed the gate goes on judging readiness: {@code serving} tells from the server's getters
     * whether it still serves, and its stop method's entry fails the gate at once (see {@link MethodGate}).
     *
     * @param holdLoading whether the class, loading before the instrumentation is ready, waits for it
     * @param serving     how the server tells it stopped serving, or null
     */
    public MethodGate methodGate(Recognizer recognizer, String className, String methodName, String waitingFor,
                                 MethodGate.AfterReturn after, boolean holdLoading, MethodGate.Serving serving) {
        return gates.methodGate(recognizer.gateName(), className, methodName, waitingFor, after, new NeverLoaded(recognizer.name()),
                holdLoading, serving);
    }

    /** As above, for a gate that is not watched once passed. */
    public MethodGate methodGate(Recognizer recognizer, String className, String methodName, String waitingFor,
                                 MethodGate.AfterReturn after, boolean holdLoading) {
        return methodGate(recognizer, className, methodName, waitingFor, after, holdLoading, null);
    }

    public ListeningPorts ports() {
        return gates.ports();
    }

    /** The JVM's instrumentation, or null (started by a test). */
    public Instrumentation instrumentation() {
        return instrumentation;
    }

    /** True when the agent was attached to a running JVM (the application may be up already). */
    public boolean attached() {
        return attached;
    }

    public JmxAccess jmxAccess() {
        return jmxAccess;
    }

    public JmxReader jmxReader() {
        return jmxReader;
    }

    /** Asks for an evaluation at once; does nothing until the evaluator exists. */
    public Publisher publisher() {
        return publisher;
    }
}
