package io.jvmhealth.agent.instrument;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.HashSet;

/**
 * Tests only: a class of the test class path with the gate advice on the named methods, defined in a loader of its own
 * (child-first for that one class; everything else, GateSignal included, from the test class path), as the agent's
 * transformer would have woven it at load.
 */
public final class Woven {
    private Woven() {
    }

    public static Class<?> load(Class<?> original, String... methods) throws ClassNotFoundException {
        String name = original.getName();
        byte[] bytes;
        try (InputStream in = original.getClassLoader().getResourceAsStream(name.replace('.', '/') + ".class")) {
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] woven = AsmAdvice.instrument(bytes, name, new HashSet<>(Arrays.asList(methods)));
        ClassLoader loader = new ClassLoader(original.getClassLoader()) {
            @Override
            protected Class<?> loadClass(String n, boolean resolve) throws ClassNotFoundException {
                if (!n.equals(name)) {
                    return super.loadClass(n, resolve);
                }
                synchronized (getClassLoadingLock(n)) {
                    Class<?> c = findLoadedClass(n);
                    return c != null ? c : defineClass(n, woven, 0, woven.length);
                }
            }
        };
        return Class.forName(name, true, loader);
    }
}
