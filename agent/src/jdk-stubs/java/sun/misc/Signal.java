package sun.misc;

/**
 * Compile-time stand-in for the JDK's {@code sun.misc.Signal} (JDK 8: rt.jar; JDK 9+: module
 * {@code jdk.unsupported}), which {@code javac --release 8} does not offer: its Java 8 symbol table has no
 * {@code sun.misc} package. Only the members the agent calls, with the JDK's exact signatures. It is compiled
 * with the agent's sources and left out of the agent's jar (agent/pom.xml); at run time the JDK's own class
 * is the one loaded. io.jvmhealth.agent.shutdown.Drain is its only user.
 */
public final class Signal {
    public Signal(String name) {
        throw new UnsupportedOperationException("compile-time stand-in");
    }

    public String getName() {
        throw new UnsupportedOperationException("compile-time stand-in");
    }

    public int getNumber() {
        throw new UnsupportedOperationException("compile-time stand-in");
    }

    public static synchronized SignalHandler handle(Signal sig, SignalHandler handler) throws IllegalArgumentException {
        throw new UnsupportedOperationException("compile-time stand-in");
    }

    public static void raise(Signal sig) throws IllegalArgumentException {
        throw new UnsupportedOperationException("compile-time stand-in");
    }
}
