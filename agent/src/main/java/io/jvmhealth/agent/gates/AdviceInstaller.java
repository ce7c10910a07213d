package io.jvmhealth.agent.gates;

import java.lang.instrument.ClassFileTransformer;
import java.util.Map;
import java.util.Set;

/**
 * The agent's one use of Byte Buddy, behind an interface: implemented by
 * {@code io.jvmhealth.agent.instrument.ByteBuddyAdvice}, which lives with the relocated Byte Buddy in a
 * jar nested inside the agent's jar and is loaded by {@link NestedJarLoader} only when a gate needs
 * it. Nothing else of the agent refers to a Byte Buddy class, so a host without method gates reads
 * none of Byte Buddy's three thousand entries (the JVM indexes every entry of a jar on the class
 * path when it opens it, on the host's start-up: docs/performance.md).
 */
public interface AdviceInstaller {
    /** Told when a gated class could not be instrumented; its gates then pass without waiting. */
    interface Failures {
        void failed(String className, Throwable cause);
    }

    /**
     * A transformer that puts the gate advice on the named methods of the named classes and returns
     * null for every other class; called once, on the agent's gates thread, which also runs Byte
     * Buddy's class-writing part once so that the first gated class is not the one to pay for it.
     *
     * @param methodsByClass binary class name -&gt; method names
     */
    ClassFileTransformer transformer(Map<String, Set<String>> methodsByClass, Failures failures);
}
