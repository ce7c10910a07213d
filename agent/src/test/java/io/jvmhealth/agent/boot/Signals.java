package io.jvmhealth.agent.boot;

/** Tests only: GateSignal's state is per JVM, and one test JVM runs many gates on the same method names. */
public final class Signals {
    private Signals() {
    }

    public static void forget(String key) {
        GateSignal.forget(key);
    }
}
