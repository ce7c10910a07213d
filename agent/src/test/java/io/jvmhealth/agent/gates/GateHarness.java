package io.jvmhealth.agent.gates;

import java.util.Collections;
import java.util.List;

/** Tests only: what the gates thread tells a method gate once the advice is in place, for gates made elsewhere. */
public final class GateHarness {
    private GateHarness() {
    }

    /** The advice is in place; the class had not loaded yet (at launch). */
    public static void installed(MethodGate gate) {
        gate.installed(false, Collections.<Thread>emptyList(), false);
    }

    /** The advice is in place; the class had loaded before, with {@code inside} inside the method then. */
    public static void installedLoaded(MethodGate gate, List<Thread> inside, boolean attached) {
        gate.installed(true, inside, attached);
    }

    /** The class loaded with the advice. */
    public static void classSeen(MethodGate gate) {
        gate.classSeen();
    }

    public static String key(MethodGate gate) {
        return gate.key;
    }
}
