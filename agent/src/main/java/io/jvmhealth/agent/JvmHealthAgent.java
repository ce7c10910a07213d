package io.jvmhealth.agent;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.InvocationTargetException;
import java.security.CodeSource;
import java.util.Arrays;

/**
 * Entry points for {@code -javaagent} ({@link #premain}) and for attaching to a running JVM ({@link #agentmain}); the
 * only class of this package, and no other package imports it. Each is a few lines: all work, including parsing
 * options, happens in {@code runtime.Entry} and {@code runtime.AgentRuntime}, behind their guard, so nothing the agent
 * does can fail the host's start-up. premain only starts one short-lived daemon thread ({@code jvm-health-start}) and
 * returns: the agent's classes are loaded, options parsed and the port bound on that thread, never on the host's.
 * agentmain works synchronously, so {@code attach} can read the outcome.
 *
 * <p>The agent's classes load through {@link Classes}, a loader of this jar's stored entries, not through the system
 * class loader (which has the jar on its path too): in a JVM that has just started, the system loader's own code costs
 * about 0.5 ms of CPU a class, mostly interpreted and then compiled, and the agent loads some 150 classes at its start
 * (docs/performance.md, "What the first answer costs"); this one costs about a tenth of that. The bootstrap loader would
 * cost as little, but appending to its search makes the JVM warn on stderr and stop taking the application's classes
 * from the class-data sharing archive.
 */
public final class JvmHealthAgent {
    private static final String ENTRY = "io.jvmhealth.agent.runtime.Entry";
    /**
     * The agent's loader, typed as any loader: this class must not name {@link Classes} where the verifier would have
     * to load it to check a type (on the host's thread, in premain); it is made and loaded on the start thread.
     */
    private static ClassLoader classes;
    /** The jar {@link #classes} reads. */
    private static File jar;

    private JvmHealthAgent() {
    }

    public static void premain(String args, Instrumentation instrumentation) {
        // The JVM's own System.err, kept before the host's main can replace it (WildFly does).
        PrintStream stderr = System.err;
        try {
            Thread t = new Thread(new Starter(args, instrumentation, stderr), "jvm-health-start");
            t.setDaemon(true);
            t.start();
        } catch (Throwable ignored) {
            // no thread to start the agent on: the application runs on without it
        }
    }

    public static void premain(String args) {
        premain(args, null);
    }

    public static void agentmain(String args, Instrumentation instrumentation) {
        try {
            enter("attached", args, instrumentation, System.err);
        } catch (Throwable e) {
            PrintStream err = System.err;
            if (err != null) {
                err.println("[jvm-health] ERROR agent not started: its classes could not be loaded: " + e
                        + " (the application runs on without it)");
            }
        }
    }

    public static void agentmain(String args) {
        agentmain(args, null);
    }

    /** Calls {@code Entry.<method>(args, instrumentation, jar, stderr)} in the agent's loader. */
    private static void enter(String method, String args, Instrumentation instrumentation, PrintStream stderr) throws Exception {
        ClassLoader loader = classes();
        ClassLoader from = loader != null ? loader : JvmHealthAgent.class.getClassLoader();
        Class<?> entry = Class.forName(ENTRY, true, from);
        try {
            entry.getMethod(method, String.class, Instrumentation.class, File.class, PrintStream.class)
                    .invoke(null, args, instrumentation, loader != null ? jar : null, stderr);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            throw cause instanceof Exception ? (Exception) cause : e;
        }
    }

    /** The agent's loader, made once per JVM (a later attach finds the classes there); null when not run from a jar. */
    private static synchronized ClassLoader classes() {
        if (classes == null) {
            try {
                CodeSource source = JvmHealthAgent.class.getProtectionDomain().getCodeSource();
                File file = source == null || source.getLocation() == null ? null : new File(source.getLocation().toURI());
                if (file != null && file.isFile()) {
                    classes = Classes.open(JvmHealthAgent.class.getClassLoader(), file);
                    jar = file;
                }
            } catch (Exception e) {
                return null; // the agent's classes load from the system class loader
            }
        }
        return classes;
    }

    /** Starts the agent on its own thread; a named class, not a lambda (the first lambda would bootstrap invokedynamic). */
    private static final class Starter implements Runnable {
        private final String args;
        private final Instrumentation instrumentation;
        private final PrintStream stderr;

        Starter(String args, Instrumentation instrumentation, PrintStream stderr) {
            this.args = args;
            this.instrumentation = instrumentation;
            this.stderr = stderr;
        }

        @Override
        public void run() {
            try {
                enter("launched", args, instrumentation, stderr);
            } catch (Throwable e) {
                if (stderr != null) {
                    stderr.println("[jvm-health] ERROR agent not started: its classes could not be loaded: " + e
                            + " (the application runs on without it)");
                }
            }
        }
    }

    /**
     * Defines the agent's classes ({@code io.jvmhealth.agent.*}, this class and {@code io.jvmhealth.agent.boot.*} aside:
     * those come from the parent, the boot package from the bootstrap loader once a gate put it there) from the jar's
     * stored entries, found through its central directory and read with one open file; everything else, resources
     * included, from the parent. The classes get this jar's protection domain and its package attributes. It reads the
     * zip format itself, as {@code gates.NestedJarLoader} does for the nested jar, and cannot share that code: it runs
     * before any other class of the agent can be loaded through it, and would otherwise load it from the system class
     * loader as a second copy.
     */
    static final class Classes extends ClassLoader {
        private static final String OWN = "io.jvmhealth.agent.";
        private static final String BOOT = "io.jvmhealth.agent.boot.";
        private static final String OWN_PATH = "io/jvmhealth/agent/";
        /** This class and its nested ones (no other class of the agent starts so: the root package holds this one). */
        private static final String ENTRY_POINT = "io.jvmhealth.agent.JvmHealthAgent";
        /** An end-of-central-directory record is found within this many bytes of the end (22 plus a comment of 64 KiB at most). */
        private static final int TAIL = 22 + 0xffff;
        private final RandomAccessFile file;
        /** The jar's central directory, as read. */
        private final byte[] directory;
        /**
         * Open addressing over the stored {@code .class} entries of {@link #directory} (the agent's jar stores all): each
         * slot the offset of an entry's record plus one, 0 when free; the slot from the hash of the name's bytes. The
         * directory and this table are all the index keeps (about 50 KB for the jar's 400 classes; a map of names kept
         * about twice that on the host's heap, and left as much again as garbage).
         */
        private final int[] slots;
        private final Package model;
        private final byte[] header = new byte[30];
        private byte[] buffer = new byte[16 * 1024];

        /** The loader of {@code jar}'s classes, typed as any loader (see {@link JvmHealthAgent#classes}). */
        static ClassLoader open(ClassLoader parent, File jar) throws IOException {
            return new Classes(parent, jar);
        }

        private Classes(ClassLoader parent, File jar) throws IOException {
            super(parent);
            this.file = new RandomAccessFile(jar, "r");
            try {
                byte[] end = endRecord(file);
                this.directory = new byte[(int) u32(end, 12)];
                file.seek(u32(end, 16));
                file.readFully(directory);
                this.slots = slots(directory, u16(end, 10));
            } catch (IOException | RuntimeException e) {
                file.close();
                throw e;
            }
            this.model = JvmHealthAgent.class.getPackage();
        }

        /** The end-of-central-directory record (22 bytes): where the directory is, how long, how many entries. */
        private static byte[] endRecord(RandomAccessFile file) throws IOException {
            long length = file.length();
            // The build writes no archive comment: the record is the last 22 bytes; else it is sought in the tail.
            int tail = (int) Math.min(length, 22);
            byte[] t = new byte[tail];
            file.seek(length - tail);
            file.readFully(t);
            if (tail == 22 && u32(t, 0) == 0x06054b50L) {
                return t;
            }
            tail = (int) Math.min(length, TAIL);
            t = new byte[tail];
            file.seek(length - tail);
            file.readFully(t);
            for (int i = tail - 22; i >= 0; i--) {
                if (u32(t, i) == 0x06054b50L) {
                    return Arrays.copyOfRange(t, i, i + 22);
                }
            }
            throw new IOException("no central directory");
        }

        /** The table of {@link #slots} over the directory's {@code entries} records (classes or not: an upper bound). */
        private static int[] slots(byte[] cd, int entries) throws IOException {
            int size = Integer.highestOneBit(Math.max(16, entries * 2)) * 2;
            int[] slots = new int[size];
            int placed = 0;
            for (int p = 0; p < cd.length; p = next(cd, p)) {
                int nameLength = u16(cd, p + 28);
                if (u16(cd, p + 10) != 0 || !endsWithClass(cd, p + 46, nameLength)) {
                    continue;
                }
                if (++placed * 2 > size) { // never fuller than half: a count that lies (a ZIP64 jar) fails the loader here
                    throw new IOException("more entries than the directory's end record counts");
                }
                int h = hash(cd, p + 46, nameLength) & (size - 1);
                while (slots[h] != 0) {
                    h = (h + 1) & (size - 1);
                }
                slots[h] = p + 1;
            }
            return slots;
        }

        /** The record after the one at {@code p}; checks the signature. */
        private static int next(byte[] cd, int p) throws IOException {
            if (p + 46 > cd.length || u32(cd, p) != 0x02014b50L) {
                throw new IOException("a broken central directory");
            }
            return p + 46 + u16(cd, p + 28) + u16(cd, p + 30) + u16(cd, p + 32);
        }

        private static boolean endsWithClass(byte[] b, int from, int length) {
            return length > 6 && b[from + length - 6] == '.' && b[from + length - 5] == 'c' && b[from + length - 4] == 'l'
                    && b[from + length - 3] == 'a' && b[from + length - 2] == 's' && b[from + length - 1] == 's';
        }

        private static int hash(byte[] b, int from, int length) {
            int h = 0;
            for (int i = 0; i < length; i++) {
                h = 31 * h + b[from + i];
            }
            return h ^ h >>> 16;
        }

        /** The record of the stored entry {@code name} (ASCII, as the agent's class names are), or -1. */
        private int find(String name) {
            int n = name.length();
            int h = 0;
            for (int i = 0; i < n; i++) {
                h = 31 * h + (byte) name.charAt(i);
            }
            h = (h ^ h >>> 16) & (slots.length - 1);
            for (int s = slots[h]; s != 0; h = (h + 1) & (slots.length - 1), s = slots[h]) {
                int p = s - 1;
                if (u16(directory, p + 28) == n && sameName(p + 46, name)) {
                    return p;
                }
            }
            return -1;
        }

        private boolean sameName(int from, String name) {
            for (int i = 0; i < name.length(); i++) {
                if (directory[from + i] != (byte) name.charAt(i)) {
                    return false;
                }
            }
            return true;
        }

        private static int u16(byte[] b, int i) {
            return (b[i] & 0xff) | (b[i + 1] & 0xff) << 8;
        }

        private static long u32(byte[] b, int i) {
            return (u16(b, i) | (long) u16(b, i + 2) << 16) & 0xffffffffL;
        }

        /**
         * Reads the entry into {@link #buffer} (grown as needed, kept: the classes' bytes are not garbage on the host's
         * heap, about 0.5 MB at the start otherwise); returns its length, or -1 when there is no such entry. Called
         * with this loader's lock held (it is not parallel capable); {@code defineClass} copies the bytes before it
         * loads any other class, so a nested load may reuse the buffer.
         */
        private int read(String name) throws IOException {
            int p = find(name);
            if (p < 0) {
                return -1;
            }
            long offset = u32(directory, p + 42);
            file.seek(offset);
            file.readFully(header);
            if (u32(header, 0) != 0x04034b50L) {
                throw new IOException("a broken entry " + name);
            }
            int size = (int) u32(directory, p + 24);
            if (buffer.length < size) {
                buffer = new byte[Math.max(size, buffer.length * 2)];
            }
            file.seek(offset + 30 + u16(header, 26) + u16(header, 28));
            file.readFully(buffer, 0, size);
            return size;
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.startsWith(OWN) || name.startsWith(BOOT) || name.startsWith(ENTRY_POINT)) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null) {
                    int size;
                    try {
                        size = read(name.replace('.', '/') + ".class");
                    } catch (IOException e) {
                        throw new ClassNotFoundException(name, e);
                    }
                    if (size < 0) {
                        return super.loadClass(name, resolve); // not in this jar: the parent's (tests run from classes)
                    }
                    definePackageOf(name);
                    c = defineClass(name, buffer, 0, size, JvmHealthAgent.class.getProtectionDomain());
                }
                if (resolve) {
                    resolveClass(c);
                }
                return c;
            }
        }

        /**
         * The agent's own class files from the jar directly ({@code PlatformBeans} and others define one of them again
         * in a loader of their own); anything else from the parent. Through the parent a resource is a {@code jar:} URL,
         * and the first such URL loads the JDK's jar-protocol and connection classes, which the class-data sharing
         * archive does not hold: parsed, kept in metaspace, for three reads of a few KB.
         */
        @Override
        public InputStream getResourceAsStream(String name) {
            if (name.startsWith(OWN_PATH) && name.endsWith(".class")) {
                synchronized (this) {
                    try {
                        int size = read(name);
                        if (size >= 0) {
                            return new ByteArrayInputStream(Arrays.copyOf(buffer, size));
                        }
                    } catch (IOException e) {
                        return null;
                    }
                }
            }
            return super.getResourceAsStream(name);
        }

        @SuppressWarnings("deprecation") // getPackage: Java 8's API (getDefinedPackage is Java 9's)
        private void definePackageOf(String className) {
            String pkg = className.substring(0, className.lastIndexOf('.'));
            if (getPackage(pkg) != null) {
                return;
            }
            try {
                if (model == null) {
                    definePackage(pkg, null, null, null, null, null, null, null);
                } else {
                    definePackage(pkg, model.getSpecificationTitle(), model.getSpecificationVersion(), model.getSpecificationVendor(),
                            model.getImplementationTitle(), model.getImplementationVersion(), model.getImplementationVendor(), null);
                }
            } catch (IllegalArgumentException alreadyDefined) {
                // another thread defined it meanwhile
            }
        }
    }
}
