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
 * The one transformer the agent registers for gates: it compares each loading class's NAME with the
 * gated classes and returns null for every other class (nothing is parsed or loaded to decide). It is
 * registered as soon as the gates are planned, before the instrumentation is loaded (tens of ms, more
 * on a busy machine); a gated class that loads before the instrumentation is ready waits for it (at
 * most {@link #WAIT_MILLIS}) and then gets the advice, so no gated method can run and return unseen.
 * Once ready, gated classes go to the instrumentation's transformer.
 *
 * <p>While it is registered, every class the host loads calls into Java with a copy of its class file
 * (13-27 us of CPU and the class file's size in garbage each: docs/performance.md), so it is there only
 * while a gated class is awaited: it removes itself once every gated class got the advice or was given
 * up ({@link #forget}), and then drops the instrumentation's transformer, the last reference to the
 * instrumentation's class loader ({@link #releaseIfDone}).
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
    /** Retransformations in progress through this watch (they need the transformer); guarded by this. */
    private int retransforming;

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
            releaseIfDone();
        }
    }

    /** The gate on a class that never loaded stopped waiting for it ({@link NeverLoaded}): no need to watch for it. */
    void forget(String internalName) {
        transformed(internalName);
    }

    /** True once nothing is awaited any more (every gated class transformed or given up). */
    boolean done() {
        return remaining.isEmpty();
    }

    /** Around a retransformation through this watch: the transformer is kept until it is over. */
    synchronized void retransforming(boolean begins) {
        retransforming += begins ? 1 : -1;
        if (!begins) {
            releaseIfDone();
        }
    }

    /**
     * Drops the instrumentation's transformer once nothing is awaited and no retransformation needs it: it is the last
     * reference to the instrumentation's class loader, ASM's classes and the nested jar's bytes. (Undoing the advice at
     * stop needs no transformer: retransforming a class with none registered restores its original bytes.)
     */
    synchronized void releaseIfDone() {
        if (remaining.isEmpty() && retransforming == 0 && ready.getCount() == 0) {
            delegate = null;
        }
    }

    /** Gated classes (binary names) that loaded unchanged before {@link #ready}: to be retransformed. */
    Set<String> missed() {
        return missed;
    }

    /** Hands over to the instrumentation's transformer (null: the instrumentation failed; classes load unchanged). */
    void ready(ClassFileTransformer transformer) {
        delegate = transformer;
        ready.countDown();
        releaseIfDone();
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
