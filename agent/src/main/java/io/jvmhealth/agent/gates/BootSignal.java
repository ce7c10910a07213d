package io.jvmhealth.agent.gates;

import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.util.jar.JarFile;

/**
 * Makes {@link io.jvmhealth.agent.boot.GateSignal} a class of the bootstrap loader, so that advice
 * inlined into classes of any class loader can call it. Its bytes, read from the agent's jar, are defined there by the
 * JDK's own class definition ({@link BootDefine}, reached through {@code base.PrivateAccess}: {@code jdk.internal.misc}
 * exported to a one-class loader of the agent's alone). Nothing is added to the bootstrap search path and the JVM prints
 * nothing. Where that cannot be done (Java 8, no instrumentation, a java.base that cannot be modified), a one-class jar
 * is appended to the bootstrap search path instead, and with class-data sharing on the JVM prints one warning line on the
 * host's stderr ("Sharing is only supported for boot loader classes because bootstrap classpath has been appended").
 * Done at most once per JVM: a later start (after {@code stop}, or a second attach) finds the class already there.
 */
final class BootSignal {
    private static final long MAX_CLASS_BYTES = 64 * 1024;
    private static final String CLASS_NAME = "io.jvmhealth.agent.boot.GateSignal";
    private static final String RESOURCE = CLASS_NAME.replace('.', '/') + ".class";
    private static final String DEFINE_CLASS = "io.jvmhealth.agent.gates.BootDefine";

    /** How the class came into the bootstrap loader, or null while it is not there (for the start line and tests). */
    private static String how;

    private BootSignal() {
    }

    /** Ensures the class is in the bootstrap loader; throws with the reason when it cannot be. */
    static synchronized void ensure(Instrumentation instrumentation) throws IOException {
        if (inBootLoader()) {
            if (how == null) {
                how = "found there";
            }
            return;
        }
        byte[] bytes = io.jvmhealth.agent.base.AgentResources.read(RESOURCE, 4096, MAX_CLASS_BYTES);
        if (bytes == null) {
            throw new IOException(RESOURCE + " is missing from the agent's jar");
        }
        String defineFailed = defineInBootLoader(instrumentation, bytes);
        if (defineFailed == null) {
            how = "defined by the JDK's class definition";
        } else {
            // Appending to the boot class path is the JDK's public API for this; the JVM then warns on stderr (above).
            appendJar(instrumentation, bytes);
            how = "appended to the bootstrap search path (" + defineFailed + ")";
        }
        // The agent's own references to GateSignal must resolve to that same class (the system loader delegates to
        // the bootstrap loader first, so this holds unless something loaded the agent's copy before).
        if (io.jvmhealth.agent.boot.GateSignal.class.getClassLoader() != null) {
            throw new IOException(CLASS_NAME + " was already loaded by " + io.jvmhealth.agent.boot.GateSignal.class.getClassLoader());
        }
    }

    /** How the class came into the bootstrap loader, or null when it is not there yet. */
    static synchronized String how() {
        return how;
    }

    /** Null once defined in the bootstrap loader, else why it was not. */
    @SuppressWarnings("unchecked")
    private static String defineInBootLoader(Instrumentation instrumentation, byte[] bytes) {
        if (!io.jvmhealth.agent.base.PrivateAccess.modules()) {
            return "Java 8";
        }
        try {
            java.util.function.BiFunction<String, byte[], Class<?>> define =
                    (java.util.function.BiFunction<String, byte[], Class<?>>) io.jvmhealth.agent.base.PrivateAccess.instance(
                            instrumentation, DEFINE_CLASS, Object.class, java.util.Collections.singleton("jdk.internal.misc"),
                            java.util.Collections.<String>emptySet());
            Class<?> c = define.apply(CLASS_NAME, bytes);
            return c.getClassLoader() == null && inBootLoader() ? null : "the JDK defined it elsewhere";
        } catch (Throwable e) {
            return e.getMessage() != null ? e.getMessage() : e.toString();
        }
    }

    /**
     * The one-entry jar is written by hand (stored, with java.io only) into a file created with {@code File.createNewFile}
     * (O_EXCL) in the temporary directory, readable and writable by its owner only. {@code Files.createTempFile} would
     * initialize a {@code SecureRandom} for the name (the sun.security provider classes) and {@code JarOutputStream} a
     * deflater and java.time for the entry's time: about 100 more classes, 1.5 MB allocated and 40-60 ms of CPU on the
     * gates thread (measured with the thread's allocated bytes and CPU time), for 2 KB of bytes.
     */
    private static void appendJar(Instrumentation instrumentation, byte[] bytes) throws IOException {
        File dir = new File(System.getProperty("java.io.tmpdir"));
        File jar = null;
        long seed = System.nanoTime() ^ System.identityHashCode(bytes);
        for (int i = 0; i < 100 && jar == null; i++) {
            File f = new File(dir, "jvm-health-boot-" + Long.toHexString(seed + i * 0x9E3779B97F4A7C15L) + ".jar");
            if (f.createNewFile()) {
                jar = f;
            }
        }
        if (jar == null) {
            throw new IOException("could not create a file in " + dir);
        }
        try {
            jar.setReadable(false, false);
            jar.setWritable(false, false);
            jar.setReadable(true, true);
            jar.setWritable(true, true);
            FileOutputStream out = new FileOutputStream(jar);
            try {
                out.write(storedJar(RESOURCE, bytes));
            } finally {
                out.close();
            }
            instrumentation.appendToBootstrapClassLoaderSearch(new JarFile(jar));
            Class<?> c = Class.forName(CLASS_NAME, true, null);
            if (c.getClassLoader() != null) {
                throw new IOException(CLASS_NAME + " did not load in the bootstrap loader");
            }
        } catch (ClassNotFoundException e) {
            throw new IOException("the bootstrap loader did not find " + CLASS_NAME + " in " + jar);
        } finally {
            jar.delete(); // the JVM keeps the jar open; the name is not needed any more
        }
    }

    /** A zip with one stored entry: local header, data, central directory, end record (no time, no extra fields). */
    static byte[] storedJar(String name, byte[] data) {
        byte[] n = name.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(data, 0, data.length);
        int c = (int) crc.getValue();
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(30 + n.length + data.length + 46 + n.length + 22)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x04034b50).putShort((short) 10).putShort((short) 0).putShort((short) 0).putShort((short) 0).putShort((short) 0x21)
                .putInt(c).putInt(data.length).putInt(data.length).putShort((short) n.length).putShort((short) 0).put(n).put(data);
        int central = b.position();
        b.putInt(0x02014b50).putShort((short) 10).putShort((short) 10).putShort((short) 0).putShort((short) 0).putShort((short) 0)
                .putShort((short) 0x21).putInt(c).putInt(data.length).putInt(data.length).putShort((short) n.length).putShort((short) 0)
                .putShort((short) 0).putShort((short) 0).putShort((short) 0).putInt(0).putInt(0).put(n);
        int end = b.position();
        b.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) 1).putShort((short) 1).putInt(end - central)
                .putInt(central).putShort((short) 0);
        return b.array();
    }

    /** True once the class is in the bootstrap loader (nothing is loaded by asking). */
    static boolean inBootLoader() {
        try {
            Class.forName(CLASS_NAME, false, null);
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

}
