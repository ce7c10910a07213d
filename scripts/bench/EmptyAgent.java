import java.lang.instrument.Instrumentation;

/** The floor of agent loading: an agent whose premain does nothing. */
public final class EmptyAgent {
    public static void premain(String args, Instrumentation instrumentation) {
    }
}
