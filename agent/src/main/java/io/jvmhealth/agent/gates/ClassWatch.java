package io.jvmhealth.agent.gates;

import io.jvmhealth.agent.base.AgentLog;

import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The one transformer the agent registers for gates, without Byte Buddy: it compares each loading
 * class's NAME with the gated classes and returns null for every other class (nothing is parsed or
 * loaded to decide). It is registered as soon as the gates are planned, before Byte Buddy is loaded
 * (which takes from a few hundred ms to seconds on a busy machine); a gated class that loads before
 * Byte Buddy is ready waits for it (at most {@link #WAIT_MILLIS}) and then gets the advice, so no
 * gated method can run and return unseen. Once ready, gated classes go to Byte Buddy's transformer.
 */
final class ClassWatch implements ClassFileTransformer {
    /** How long a loading gated class may wait for the instrumentation; then it loads unchanged. */
    static final long WAIT_MILLIS = 10_000;

    /** Internal name (slashes) -&gt; the gates on that class. */
    private final Map<String, List<MethodGate>> byInternalName;
    /** Classes whose loading waits for the instrumentation; the others load unchanged until it is ready. */
    private final Set<String> hold;
    /** Binary names of gated classes that loaded unchanged before the instrumentation was ready. */
    private final Set<String> missed = new java.util.concurrent.CopyOnWriteArraySet<String>();
    private final CountDownLatch ready = new CountDownLatch(1);
    private volatile ClassFileTransformer delegate;
    /** Internal names not transformed yet; once empty the watch removes itself (nothing left to look for). */
    private final Set<String> remaining = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile java.lang.instrument.Instrumentation registeredWith;

    ClassWatch(Map<String, List<MethodGate>> byInternalName, Set<String> hold) {
        this.byInternalName = byInternalName;
        this.hold = hold;
        remaining.addAll(byInternalName.keySet());
    }

    /**
     * Registers the watch (not retransformation-capable: while such a transformer is registered the JVM keeps a
     * copy of every loading class's bytes). While it is registered every class load passes through it (the JVM
     * hands each class's bytes to Java), which is why it goes away as soon as every gated class was transformed.
     */
    void register(java.lang.instrument.Instrumentation instrumentation) {
        registeredWith = instrumentation;
        instrumentation.addTransformer(this, false);
    }

    /** Removes the watch if registered; idempotent. */
    void unregister() {
        java.lang.instrument.Instrumentation i = registeredWith;
        registeredWith = null;
        if (i != null) {
            i.removeTransformer(this);
        }
    }

    /** A gated class got the advice (at load, or retransformed). */
    private void transformed(String internalName) {
        remaining.remove(internalName);
        if (remaining.isEmpty()) {
            unregister();
        }
    }

    /** Gated classes (binary names) that loaded unchanged before {@link #ready}: to be retransformed. */
    Set<String> missed() {
        return missed;
    }

    /** Hands over to Byte Buddy's transformer (null: the instrumentation failed; classes load unchanged). */
    void ready(ClassFileTransformer transformer) {
        delegate = transformer;
        ready.countDown();
    }

    boolean watches(String internalName) {
        return byInternalName.containsKey(internalName);
    }

    @Override
    public byte[] transform(ClassLoader loader, String className, Class<?> classBeingRedefined,
                            ProtectionDomain protectionDomain, byte[] classfileBuffer) {
        if (className == null) {
            return null;
        }
        List<MethodGate> gates = byInternalName.get(className);
        if (gates == null) {
            return null;
        }
        try {
            if (ready.getCount() > 0 && !hold.contains(className)) {
                missed.add(className.replace('/', '.'));
                return null; // retransformed once the instrumentation is ready; its running call is watched then
            }
            if (!ready.await(WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                AgentLog.warn("class " + className.replace('/', '.') + " loaded before the startup gate instrumentation was ready (waited "
                        + WAIT_MILLIS + " ms): it is not instrumented");
                for (MethodGate g : gates) {
                    g.failed("instrumentation not ready when the class loaded");
                }
                return null;
            }
            ClassFileTransformer d = delegate;
            if (d == null) {
                return null;
            }
            byte[] result = d.transform(loader, className, classBeingRedefined, protectionDomain, classfileBuffer);
            for (MethodGate g : gates) {
                g.classSeen();
            }
            if (result != null) {
                transformed(className);
            }
            return result;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (Throwable e) {
            AgentLog.warn("could not instrument " + className.replace('/', '.') + " for a startup gate: " + e);
            return null;
        }
    }
}
