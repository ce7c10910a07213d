package io.jvmhealth.agent.gates;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.instrument.Instrumentation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;

/**
 * Makes {@link io.jvmhealth.agent.boot.GateSignal} a class of the bootstrap loader, so that advice
 * inlined into classes of any class loader can call it. Its bytes, read from the agent's jar, are
 * written into a temporary jar (owner-only permissions) that is appended to the bootstrap search
 * path and deleted as soon as the class is loaded. With class-data sharing on (the default), the JVM
 * then prints one warning line on stderr ("Sharing is only supported for boot loader classes because
 * bootstrap classpath has been appended"): the cost is that classes of the platform and application
 * loaders no longer come from the shared archive, a few hundred JDK classes at most. Done at most once per JVM: a later start (after
 * {@code stop}, or a second attach) finds the class already there.
 */
final class BootSignal {
    private static final long MAX_CLASS_BYTES = 64 * 1024;
    static final String CLASS_NAME = "io.jvmhealth.agent.boot.GateSignal";
    private static final String RESOURCE = CLASS_NAME.replace('.', '/') + ".class";

    private BootSignal() {
    }

    /** Ensures the class is in the bootstrap loader; throws with the reason when it cannot be. */
    static synchronized void ensure(Instrumentation instrumentation) throws IOException {
        if (inBootLoader()) {
            return;
        }
        byte[] bytes = io.jvmhealth.agent.base.AgentResources.read(RESOURCE, 4096, MAX_CLASS_BYTES);
        if (bytes == null) {
            throw new IOException(RESOURCE + " is missing from the agent's jar");
        }
        // Appending to the boot class path is the JDK's own API for this. Not Byte Buddy's Unsafe injector: it
        // allocates far more on the agent's thread (docs/performance.md), and from JDK 24 on the JVM warns on stderr
        // about its sun.misc.Unsafe call.
        appendJar(instrumentation, bytes);
        // The agent's own references to GateSignal must resolve to that same class (the system loader delegates to
        // the bootstrap loader first, so this holds unless something loaded the agent's copy before).
        if (io.jvmhealth.agent.boot.GateSignal.class.getClassLoader() != null) {
            throw new IOException(CLASS_NAME + " was already loaded by " + io.jvmhealth.agent.boot.GateSignal.class.getClassLoader());
        }
    }

    private static void appendJar(Instrumentation instrumentation, byte[] bytes) throws IOException {
        Path jar;
        try {
            jar = Files.createTempFile("jvm-health-boot-", ".jar",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            jar = Files.createTempFile("jvm-health-boot-", ".jar"); // not a POSIX file system
        }
        try {
            try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out)) {
                j.putNextEntry(new JarEntry(RESOURCE));
                j.write(bytes);
                j.closeEntry();
            }
            instrumentation.appendToBootstrapClassLoaderSearch(new JarFile(jar.toFile()));
            Class<?> c = Class.forName(CLASS_NAME, true, null);
            if (c.getClassLoader() != null) {
                throw new IOException(CLASS_NAME + " did not load in the bootstrap loader");
            }
        } catch (ClassNotFoundException e) {
            throw new IOException("the bootstrap loader did not find " + CLASS_NAME + " in " + jar);
        } finally {
            Files.deleteIfExists(jar); // the JVM keeps the jar open; the name is not needed any more
        }
    }

    private static boolean inBootLoader() {
        try {
            Class.forName(CLASS_NAME, false, null);
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

}
