package io.jvmhealth.agent.apps;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.lang.ref.WeakReference;
import java.security.ProtectionDomain;

/**
 * The moment one application class loads, by name, with nothing changed and no scan per question: a transformer that
 * compares each loading class's name with the one awaited and returns null for every class. It is registered only
 * until that class is seen (every class the host loads meanwhile calls into Java with a copy of its bytes, 13-27 us
 * each: docs/performance.md); what loaded before it was registered is found by one pass over the loaded classes. The
 * class itself is then taken, once, from the classes of the loader that loaded it.
 */
final class ClassNotice implements ClassFileTransformer {
    /** How often at most the loader's classes are searched for a class seen loading but not found yet (its definition failed). */
    static final long RESOLVE_AGAIN_NANOS = 1_000_000_000L;
    private final String binaryName;
    private final String internalName;
    private final Instrumentation instrumentation;
    /** The loader that loaded the class, once the transformer saw it (any thread). */
    private volatile WeakReference<ClassLoader> loader;
    /** The class once found (evaluator thread). */
    private WeakReference<Class<?>> found;
    private long lastResolve;
    private volatile boolean registered;

    private ClassNotice(Instrumentation instrumentation, String binaryName) {
        this.instrumentation = instrumentation;
        this.binaryName = binaryName;
        this.internalName = binaryName.replace('.', '/');
    }

    /** Watches for {@code binaryName}: registered first, then one pass over what loaded already. Without instrumentation, never sees it. */
    static ClassNotice watch(Instrumentation instrumentation, String binaryName) {
        ClassNotice notice = new ClassNotice(instrumentation, binaryName);
        if (instrumentation == null) {
            return notice;
        }
        notice.registered = true;
        instrumentation.addTransformer(notice, false);
        for (Class<?> c : instrumentation.getAllLoadedClasses()) {
            if (c.getClassLoader() != null && binaryName.equals(c.getName())) {
                notice.found = new WeakReference<Class<?>>(c);
                notice.unregister();
                break;
            }
        }
        return notice;
    }

    /** Tests: a notice that has already found {@code loaded}. */
    static ClassNotice of(Class<?> loaded) {
        ClassNotice notice = new ClassNotice(null, loaded.getName());
        notice.found = new WeakReference<Class<?>>(loaded);
        return notice;
    }

    /** The class once loaded, or null (evaluator thread). */
    Class<?> loaded() {
        Class<?> c = found == null ? null : found.get();
        if (c != null) {
            return c;
        }
        WeakReference<ClassLoader> seen = loader;
        ClassLoader l = seen == null ? null : seen.get();
        long now = System.nanoTime();
        if (l == null || (lastResolve != 0 && now - lastResolve < RESOLVE_AGAIN_NANOS)) {
            return null;
        }
        lastResolve = now;
        for (Class<?> k : instrumentation.getInitiatedClasses(l)) {
            if (k.getClassLoader() == l && binaryName.equals(k.getName())) {
                found = new WeakReference<Class<?>>(k);
                return k;
            }
        }
        return null;
    }

    /** Removes the transformer if registered; idempotent. */
    void unregister() {
        if (registered) {
            registered = false;
            instrumentation.removeTransformer(this);
        }
    }

    @Override
    public byte[] transform(ClassLoader classLoader, String className, Class<?> classBeingRedefined,
                            ProtectionDomain protectionDomain, byte[] classfileBuffer) {
        if (classLoader != null && classBeingRedefined == null && internalName.equals(className) && loader == null) {
            loader = new WeakReference<ClassLoader>(classLoader);
            unregister();
        }
        return null;
    }
}
