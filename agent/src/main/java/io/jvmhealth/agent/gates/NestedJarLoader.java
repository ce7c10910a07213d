package io.jvmhealth.agent.gates;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Loads the instrumentation ({@link AdviceInstaller}: {@code instrument.AsmAdvice} and Byte Buddy's relocated
 * ASM, about 35 classes and 150 KB) from the jar nested in the agent's jar at {@value #RESOURCE}, in memory: no
 * file is extracted (a pod's root file system is often read-only, and a file in a shared temporary directory
 * could be swapped by another user). Its parent is the agent's own class loader, so the nested classes see the
 * agent's public types; classes and resources of the nested jar are found first in it, then in the parent. The
 * jar is kept for as long as the loader lives (ASM's classes load lazily, from whichever application thread
 * loads a gated class), and each entry is inflated when it is asked for. Once every gated class got the advice
 * nothing refers to the loader any more ({@link ClassWatch} drops the transformer), so the loader, its classes
 * and the jar's bytes can be collected.
 *
 * <p>Run from the agent's classes instead of its jar (the unit tests), there is no nested jar; the
 * implementation is then loaded from the agent's own class path, where Byte Buddy (and its ASM) is a dependency.
 */
final class NestedJarLoader extends ClassLoader {
    static final String RESOURCE = "META-INF/jvmhealth/instrument.jar";
    static final String IMPLEMENTATION = "io.jvmhealth.agent.instrument.AsmAdvice";
    /** Far more than the nested jar will ever hold (150 KB): a corrupt one cannot fill the heap. */
    private static final long MAX_BYTES = 8L * 1024 * 1024;

    static {
        registerAsParallelCapable();
    }

    /** The nested jar as it is stored (compressed), and where each entry's data starts in it. */
    private final byte[] jar;
    private final Map<String, Entry> entries;

    private NestedJarLoader(ClassLoader parent, byte[] jar, Map<String, Entry> entries) {
        super(parent);
        this.jar = jar;
        this.entries = entries;
    }

    /** The implementation of {@link AdviceInstaller}, from the nested jar when there is one. */
    static AdviceInstaller load() throws Exception {
        ClassLoader agent = NestedJarLoader.class.getClassLoader();
        ClassLoader loader = agent;
        // Read into an array of the entry's size (the agent's jar is stored: its size is known). Byte Buddy's 4.8 MB jar
        // used to be read through an 8 MB buffer: 8 MB of heap touched at once, a humongous region, for one copy.
        byte[] jar = io.jvmhealth.agent.base.AgentResources.read(RESOURCE, 256 * 1024, MAX_BYTES);
        if (jar != null) {
            loader = new NestedJarLoader(agent, jar, index(jar));
        }
        return (AdviceInstaller) Class.forName(IMPLEMENTATION, true, loader).getConstructor().newInstance();
    }

    /** One entry: compression method (0 stored, 8 deflated), where its data starts, and its sizes. */
    static final class Entry {
        final int method;
        final int offset;
        final int compressedSize;
        final int size;

        Entry(int method, int offset, int compressedSize, int size) {
            this.method = method;
            this.offset = offset;
            this.compressedSize = compressedSize;
            this.size = size;
        }
    }

    /**
     * Reads the zip's central directory (no zip64: the nested jar is about 150 KB with a few dozen
     * entries). Entries stay as stored and are inflated one by one when a class or resource is asked for.
     */
    static Map<String, Entry> index(byte[] jar) throws IOException {
        int eocd = -1;
        for (int i = jar.length - 22; i >= Math.max(0, jar.length - 22 - 65535); i--) {
            if (u32(jar, i) == 0x06054b50L) {
                eocd = i;
                break;
            }
        }
        if (eocd < 0) {
            throw new IOException(RESOURCE + " is not a zip file (no end of central directory)");
        }
        int count = u16(jar, eocd + 10);
        int at = (int) u32(jar, eocd + 16);
        Map<String, Entry> entries = new HashMap<String, Entry>(count * 2);
        for (int i = 0; i < count; i++) {
            if (at < 0 || at + 46 > jar.length || u32(jar, at) != 0x02014b50L) {
                throw new IOException(RESOURCE + ": bad central directory entry " + i);
            }
            int method = u16(jar, at + 10);
            long compressed = u32(jar, at + 20);
            long size = u32(jar, at + 24);
            int nameLength = u16(jar, at + 28);
            int next = at + 46 + nameLength + u16(jar, at + 30) + u16(jar, at + 32);
            String name = new String(jar, at + 46, nameLength, StandardCharsets.UTF_8);
            int local = (int) u32(jar, at + 42);
            if (local < 0 || local + 30 > jar.length || u32(jar, local) != 0x04034b50L || size > MAX_BYTES
                    || method != 0 && method != 8) {
                throw new IOException(RESOURCE + ": unreadable entry " + name);
            }
            int data = local + 30 + u16(jar, local + 26) + u16(jar, local + 28);
            if (data + compressed > jar.length) {
                throw new IOException(RESOURCE + ": entry " + name + " runs past the end");
            }
            if (!name.endsWith("/")) {
                entries.put(name, new Entry(method, data, (int) compressed, (int) size));
            }
            at = next;
        }
        return entries;
    }

    /** The entry's bytes, inflated; null when there is no such entry. */
    private byte[] bytes(String name) {
        Entry e = entries.get(name);
        return e == null ? null : inflate(jar, e);
    }

    /** One entry's bytes from the jar, inflated; null when its data is corrupt. */
    static byte[] inflate(byte[] jar, Entry e) {
        byte[] out = new byte[e.size];
        if (e.method == 0) {
            System.arraycopy(jar, e.offset, out, 0, e.size);
            return out;
        }
        Inflater inflater = new Inflater(true);
        try {
            inflater.setInput(jar, e.offset, e.compressedSize);
            int n = 0;
            while (n < out.length) {
                int k = inflater.inflate(out, n, out.length - n);
                if (k == 0 && (inflater.finished() || inflater.needsInput() || inflater.needsDictionary())) {
                    break;
                }
                n += k;
            }
            return n == out.length ? out : null;
        } catch (DataFormatException corrupt) {
            return null;
        } finally {
            inflater.end();
        }
    }

    private static int u16(byte[] b, int i) {
        return (b[i] & 0xff) | (b[i + 1] & 0xff) << 8;
    }

    private static long u32(byte[] b, int i) {
        return (u16(b, i) | (long) u16(b, i + 2) << 16) & 0xffffffffL;
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        synchronized (getClassLoadingLock(name)) {
            Class<?> c = findLoadedClass(name);
            if (c == null) {
                byte[] bytes = bytes(name.replace('.', '/') + ".class");
                // Nested first: the implementation's package also exists in the agent's jar (io.jvmhealth.agent),
                // and its classes must be defined here, beside the ASM they use.
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

    /** Class files read as resources (the warm-up class): served from the nested jar first. */
    @Override
    public InputStream getResourceAsStream(String name) {
        byte[] bytes = bytes(name);
        return bytes != null ? new ByteArrayInputStream(bytes) : super.getResourceAsStream(name);
    }
}
