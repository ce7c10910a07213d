package io.jvmhealth.agent.gates;

import java.lang.instrument.ClassFileTransformer;
import java.util.Map;
import java.util.Set;

/**
 * The instrumentation, behind an interface: implemented by {@code io.jvmhealth.agent.instrument.AsmAdvice},
 * which lives with Byte Buddy's relocated ASM in a jar nested inside the agent's jar and is loaded by
 * {@link NestedJarLoader} only when a gate needs it. Nothing else of the agent refers to an ASM class, so a
 * host without method gates loads none, and the agent's jar on the class path holds none of their entries
 * (the JVM indexes every entry of a jar on the class path when it opens it, on the host's start-up:
 * docs/performance.md).
 */
public interface AdviceInstaller {
    /** Told when a gated class could not be instrumented; its gates then pass without waiting. */
    interface Failures {
        void failed(String className, Throwable cause);
    }

    /**
     * A transformer that puts the gate advice on the named methods of the named classes and returns
     * null for every other class (and for a gated class it cannot instrument, after telling {@code failures});
     * called once, on the agent's gates thread, which also runs the class-writing part once so that the first
     * gated class is not the one to pay for it.
     *
     * @param methodsByClass binary class name -&gt; method names
     */
    ClassFileTransformer transformer(Map<String, Set<String>> methodsByClass, Failures failures);
}
