package sun.misc;

/** Compile-time stand-in for the JDK's {@code sun.misc.SignalHandler}; see {@link Signal}. */
public interface SignalHandler {
    SignalHandler SIG_DFL = null;

    SignalHandler SIG_IGN = null;

    void handle(Signal sig);
}
