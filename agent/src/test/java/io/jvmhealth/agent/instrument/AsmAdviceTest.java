package io.jvmhealth.agent.instrument;

import io.jvmhealth.agent.boot.GateSignal;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gate advice on ASM changes nothing a method does (same results, same exceptions, same
 * side effects, over returns of every type, loops at the first instruction, try/catch/finally, switches, recursion,
 * synchronized, lambdas), reports the outermost normal return with its instance, and stays inert where GateSignal
 * cannot be seen (a loader that does not delegate to the agent's classes). Every woven class is verified by the JVM.
 */
class AsmAdviceTest {

    /** The methods woven below: one of each shape that matters to the bytecode. */
    public static class Shapes {
        public int count;

        public static int simple(int x) {
            return x + 1;
        }

        public long longRet(long a, double d) {
            if (a > 0) {
                return a;
            }
            return (long) d;
        }

        public double dbl(double d) {
            for (int i = 0; i < 3; i++) {
                d += i;
            }
            return d;
        }

        public String loopAtStart(String s) {
            while (s.length() < 5) {
                s = s + "x";
            }
            return s;
        }

        public void thrower() {
            throw new IllegalStateException("x");
        }

        public int tryFinally(int x) {
            try {
                if (x > 0) {
                    return x;
                }
                throw new RuntimeException();
            } catch (RuntimeException e) {
                return -1;
            } finally {
                count++;
            }
        }

        public synchronized Object sync(Object o) {
            return o;
        }

        public int[] arr() {
            return new int[] {1};
        }

        public void voidMulti(int x) {
            if (x == 0) {
                return;
            }
            count++;
        }

        public static int nested(int x) {
            return x > 0 ? nested(x - 1) + 1 : 0;
        }

        public String sw(int k) {
            switch (k) {
                case 1:
                    return "a";
                case 2:
                    return "b";
                case 100:
                    return "c";
                default:
                    return null;
            }
        }

        public float fl(float f) {
            return f * 2;
        }

        public Object catchAll(int x) {
            try {
                if (x == 1) {
                    throw new Error("e");
                }
                return "ok";
            } catch (Throwable t) {
                return t.getMessage();
            }
        }

        public int lambda() {
            java.util.function.IntSupplier s = () -> count + 5;
            return s.getAsInt();
        }

        public char ch() {
            return 'c';
        }
    }

    private static final Object[][] CALLS = {
            {"simple", new Object[] {3}}, {"longRet", new Object[] {5L, 2.5}}, {"longRet", new Object[] {-5L, 2.5}},
            {"dbl", new Object[] {1.5}}, {"loopAtStart", new Object[] {"a"}}, {"thrower", new Object[] {}},
            {"tryFinally", new Object[] {3}}, {"tryFinally", new Object[] {-3}}, {"sync", new Object[] {"o"}},
            {"arr", new Object[] {}}, {"voidMulti", new Object[] {0}}, {"voidMulti", new Object[] {1}},
            {"nested", new Object[] {4}}, {"sw", new Object[] {2}}, {"sw", new Object[] {7}}, {"fl", new Object[] {1.5f}},
            {"catchAll", new Object[] {1}}, {"catchAll", new Object[] {2}}, {"lambda", new Object[] {}}, {"ch", new Object[] {}}};

    @Test
    void wovenMethodsBehaveAsBeforeAndReportTheirOutermostNormalReturn() throws Exception {
        byte[] plainBytes = bytesOf(Shapes.class);
        byte[] woven = AsmAdvice.instrument(plainBytes, Shapes.class.getName(), allMethodNames());
        assertNotNull(woven);
        Class<?> plain = new OneClass(Shapes.class.getName(), plainBytes, AsmAdviceTest.class.getClassLoader()).load();
        Class<?> gated = new OneClass(Shapes.class.getName(), woven, AsmAdviceTest.class.getClassLoader()).load();
        Object p = plain.getDeclaredConstructor().newInstance();
        Object g = gated.getDeclaredConstructor().newInstance();
        for (Object[] c : CALLS) {
            assertEquals(call(plain, p, (String) c[0], (Object[]) c[1]), call(gated, g, (String) c[0], (Object[]) c[1]),
                    c[0] + Arrays.toString((Object[]) c[1]));
        }
        assertEquals(plain.getField("count").getInt(p), gated.getField("count").getInt(g), "the same side effects");
        String key = Shapes.class.getName() + ".";
        assertTrue(GateSignal.returned(key + "tryFinally"));
        assertSame(g, GateSignal.returnedBy(key + "longRet"), "the instance the method returned on");
        assertNull(GateSignal.returnedBy(key + "simple"), "static: no instance");
        assertTrue(GateSignal.returned(key + "nested"), "a recursive method returns once its outermost call returns");
        assertFalse(GateSignal.returned(key + "thrower"), "a method that only threw has not returned");
    }

    @Test
    void wovenMethodsBehaveAsBeforeWhereTheSignalCannotBeSeen() throws Exception {
        byte[] woven = AsmAdvice.instrument(bytesOf(Shapes.class), Shapes.class.getName(), allMethodNames());
        Class<?> plain = new OneClass(Shapes.class.getName(), bytesOf(Shapes.class), null).load();
        Class<?> hidden = new OneClass(Shapes.class.getName(), woven, null).load(); // parent: the boot loader, no GateSignal
        Object p = plain.getDeclaredConstructor().newInstance();
        Object h = hidden.getDeclaredConstructor().newInstance();
        for (Object[] c : CALLS) {
            assertEquals(call(plain, p, (String) c[0], (Object[]) c[1]), call(hidden, h, (String) c[0], (Object[]) c[1]),
                    c[0] + Arrays.toString((Object[]) c[1]));
        }
    }

    /**
     * A loader that cannot see the bootstrap loader's GateSignal (JBoss Modules without jboss.modules.system.pkgs, OSGi
     * without boot delegation): the class is left unchanged and the failure reported, naming the setting, so that its
     * gate passes with a warning instead of waiting for a signal that cannot come. (In this test JVM GateSignal is not
     * in the bootstrap loader at all, so any loader fails the check: the agent's own run puts it there.)
     */
    @Test
    void aClassWhoseLoaderCannotSeeTheSignalIsLeftUnchangedAndReported() throws Exception {
        List<String> failures = new ArrayList<>();
        java.lang.instrument.ClassFileTransformer transformer = new AsmAdvice().transformer(
                java.util.Collections.singletonMap(Shapes.class.getName(), java.util.Collections.singleton("simple")),
                (className, cause) -> failures.add(className + ": " + cause.getMessage()));
        ClassLoader isolated = new ClassLoader(null) {
        };
        assertNull(transformer.transform(isolated, Shapes.class.getName().replace('.', '/'), null, null, bytesOf(Shapes.class)));
        assertEquals(1, failures.size(), failures.toString());
        assertTrue(failures.get(0).contains("is not visible from the class loader") && failures.get(0).contains("jboss.modules.system.pkgs"),
                failures.get(0));
        assertNull(transformer.transform(isolated, "some/OtherClass", null, null, new byte[0]), "not gated: untouched, no failure");
        assertEquals(1, failures.size());
    }

    @Test
    void classesOfOtherShapesAreVerified() throws Exception {
        // JDK classes of many shapes, woven on every method and defined under another name in a loader of their own: the
        // JVM verifies each (linking happens in getDeclaredMethods).
        List<String> failed = new ArrayList<>();
        for (Class<?> c : new Class<?>[] {java.util.ArrayList.class, java.util.HashMap.class, java.util.TreeMap.class,
                java.util.concurrent.ConcurrentHashMap.class, java.util.Formatter.class, java.math.BigInteger.class}) {
            byte[] woven = AsmAdvice.instrument(bytesOf(c), c.getName(), allMethodNames());
            String renamed = "woven." + c.getSimpleName();
            byte[] moved = Renamer.rename(woven, c.getName().replace('.', '/'), renamed.replace('.', '/'));
            try {
                Class.forName(renamed, false, new OneClass(renamed, moved, AsmAdviceTest.class.getClassLoader())).getDeclaredMethods();
            } catch (VerifyError | ClassFormatError e) {
                failed.add(c.getName() + ": " + e);
            }
        }
        assertEquals(new ArrayList<String>(), failed);
    }

    /** Renames a class in its constant pool (its own name only), so that a JDK class can be defined in a test loader. */
    static final class Renamer {
        static byte[] rename(byte[] bytes, String from, String to) {
            net.bytebuddy.jar.asm.ClassReader r = new net.bytebuddy.jar.asm.ClassReader(bytes);
            net.bytebuddy.jar.asm.ClassWriter w = new net.bytebuddy.jar.asm.ClassWriter(0);
            r.accept(new net.bytebuddy.jar.asm.commons.ClassRemapper(w, new net.bytebuddy.jar.asm.commons.SimpleRemapper(from, to)), 0);
            return w.toByteArray();
        }
    }

    private static Set<String> allMethodNames() {
        return new HashSet<String>() {
            @Override
            public boolean contains(Object o) {
                return true;
            }
        };
    }

    private static String call(Class<?> c, Object o, String name, Object[] args) {
        for (Method m : c.getDeclaredMethods()) {
            if (m.getName().equals(name) && m.getParameterCount() == args.length) {
                try {
                    Object r = m.invoke(Modifier.isStatic(m.getModifiers()) ? null : o, args);
                    return r instanceof int[] ? Arrays.toString((int[]) r) : String.valueOf(r);
                } catch (InvocationTargetException e) {
                    return "threw " + e.getCause();
                } catch (ReflectiveOperationException e) {
                    return "reflection failed: " + e;
                }
            }
        }
        return "no method " + name;
    }

    private static byte[] bytesOf(Class<?> c) throws IOException {
        String resource = c.getName().replace('.', '/') + ".class";
        ClassLoader l = c.getClassLoader() == null ? ClassLoader.getSystemClassLoader() : c.getClassLoader();
        try (InputStream in = l.getResourceAsStream(resource)) {
            assertNotNull(in, resource);
            return in.readAllBytes();
        }
    }

    /** Defines one class from bytes; everything else from its parent. */
    private static final class OneClass extends ClassLoader {
        private final String name;
        private final byte[] bytes;

        OneClass(String name, byte[] bytes, ClassLoader parent) {
            super(parent);
            this.name = name;
            this.bytes = bytes;
        }

        Class<?> load() throws ClassNotFoundException {
            return Class.forName(name, true, this);
        }

        @Override
        protected Class<?> loadClass(String n, boolean resolve) throws ClassNotFoundException {
            if (n.equals(name)) {
                synchronized (getClassLoadingLock(n)) {
                    Class<?> c = findLoadedClass(n);
                    return c != null ? c : defineClass(n, bytes, 0, bytes.length);
                }
            }
            return super.loadClass(n, resolve);
        }
    }
}
