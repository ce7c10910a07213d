package io.jvmhealth.agent.gates;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Loads the Byte Buddy part of the agent ({@link AdviceInstaller}) from the jar nested in the agent's
 * jar at {@value #RESOURCE}, in memory: no file is extracted (a pod's root file system is often
 * read-only, and a file in a shared temporary directory could be swapped by another user). Its parent
 * is the agent's own class loader, so the nested classes see the agent's public types; classes and
 * resources of the nested jar are found first in it, then in the parent. Entries are kept as bytes
 * for as long as the loader lives: Byte Buddy loads its classes lazily, from whichever application
 * thread loads a gated class.
 *
 * <p>Run from the agent's classes instead of its jar (the unit tests), there is no nested jar; the
 * implementation is then loaded from the agent's own class path, where Byte Buddy is a dependency.
 */
final class NestedJarLoader extends ClassLoader {
    static final String RESOURCE = "META-INF/jvmhealth/instrument.jar";
    static final String IMPLEMENTATION = "io.jvmhealth.agent.instrument.ByteBuddyAdvice";
    /** More than the nested jar will ever hold (about 9 MB uncompressed for Byte Buddy 1.17): a corrupt entry cannot fill the heap. */
    private static final long MAX_BYTES = 64L * 1024 * 1024;

    static {
        registerAsParallelCapable();
    }

    private final Map<String, byte[]> entries;

    private NestedJarLoader(ClassLoader parent, Map<String, byte[]> entries) {
        super(parent);
        this.entries = entries;
    }

    /** The Byte Buddy implementation of {@link AdviceInstaller}, from the nested jar when there is one. */
    static AdviceInstaller load() throws Exception {
        ClassLoader agent = NestedJarLoader.class.getClassLoader();
        ClassLoader loader = agent;
        InputStream nested = agent == null ? ClassLoader.getSystemResourceAsStream(RESOURCE) : agent.getResourceAsStream(RESOURCE);
        if (nested != null) {
            try (ZipInputStream in = new ZipInputStream(nested)) {
                loader = new NestedJarLoader(agent, read(in));
            }
        }
        return (AdviceInstaller) Class.forName(IMPLEMENTATION, true, loader).getConstructor().newInstance();
    }

    private static Map<String, byte[]> read(ZipInputStream in) throws IOException {
        Map<String, byte[]> entries = new HashMap<String, byte[]>(4096);
        byte[] buf = new byte[16 * 1024];
        long total = 0;
        ZipEntry e;
        while ((e = in.getNextEntry()) != null) {
            if (e.isDirectory()) {
                continue;
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream(e.getSize() > 0 ? (int) e.getSize() : 4096);
            int n;
            while ((n = in.read(buf)) > 0) {
                total += n;
                if (total > MAX_BYTES) {
                    throw new IOException(RESOURCE + " holds more than " + MAX_BYTES + " bytes");
                }
                out.write(buf, 0, n);
            }
            entries.put(e.getName(), out.toByteArray());
        }
        return entries;
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        synchronized (getClassLoadingLock(name)) {
            Class<?> c = findLoadedClass(name);
            if (c == null) {
                byte[] bytes = entries.get(name.replace('.', '/') + ".class");
                // Nested first: the implementation's package also exists in the agent's jar (io.jvmhealth.agent),
                // and its classes must be defined here, beside the Byte Buddy they use.
                c = bytes != null ? defineClass(name, bytes, 0, bytes.length, NestedJarLoader.class.getProtectionDomain())
                        : super.loadClass(name, false);
            }
            if (resolve) {
                resolveClass(c);
            }
            return c;
        }
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        throw new ClassNotFoundException(name); // loadClass above has looked in the nested jar already
    }

    /** Byte Buddy reads class files as resources (the advice, its warm-up class): served from the nested jar first. */
    @Override
    public InputStream getResourceAsStream(String name) {
        byte[] bytes = entries.get(name);
        return bytes != null ? new ByteArrayInputStream(bytes) : super.getResourceAsStream(name);
    }
}
