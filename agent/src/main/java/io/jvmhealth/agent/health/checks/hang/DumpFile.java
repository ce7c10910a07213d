package io.jvmhealth.agent.health.checks.hang;

import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The JSON thread dump through the public API ({@code HotSpotDiagnosticMXBean.dumpThreads(file, JSON)}, JDK 21+),
 * for where {@link ThreadInternals} is not available: written to a file in a new directory only this process's
 * user can read ({@code rwx------}, created atomically with that mode in {@code java.io.tmpdir}), read by a
 * {@link ThreadDumpReader} and deleted at once, the directory too, whatever happened.
 *
 * <p>The JDK writes the whole dump (about 720 bytes per virtual thread: 7.2 MB for 10,000, 72 MB for 100,000,
 * measured on JDK 25) before anything can be read, so it is only begun where it would leave at least
 * {@link #MIN_FREE_FRACTION} of the file system and {@link #MIN_FREE_BYTES} free: a dump must never be what fills
 * the host's disk (or, on a memory-backed {@code /tmp}, its memory). Measured on JDK 25: a full file system makes
 * {@code dumpThreads} throw {@code IOException: No space left on device} and leaves the part written (deleted here);
 * a read-only one fails at the directory ({@code FileSystemException: Read-only file system}). JDK 21 to 24 write
 * through a {@code PrintStream} that swallows write errors: a cut dump is read as far as it goes.
 */
public final class DumpFile {
    static final double MIN_FREE_FRACTION = 0.10;
    static final long MIN_FREE_BYTES = 256L * 1024 * 1024;
    static final long BYTES_PER_THREAD = 1024;

    private DumpFile() {
    }

    /** What reads the dump once it is written: the deadlock search's {@link ThreadDumpReader}, the evidence's text. */
    interface Reader {
        /** Reads the dump from {@code in}; a dump that is cut or malformed is read as far as it goes. */
        void read(InputStream in) throws IOException;
    }

    /** Writes the JSON dump to a file that does not exist yet (the real one: {@code HotSpotDiagnosticMXBean.dumpThreads}). */
    interface Writer {
        void write(Path file) throws IOException;
    }

    /**
     * Dumps into {@code reader}; returns null on success, else why nothing was read.
     * @param expectedThreads a guess of the threads the dump will hold, for the free-space test
     */
    static String dumpInto(Reader reader, long expectedThreads) {
        Writer writer;
        try {
            writer = publicDump();
        } catch (Throwable e) {
            return "no JSON thread dump on this JVM (JDK 21+): " + e;
        }
        return dumpInto(reader, expectedThreads, Paths.get(System.getProperty("java.io.tmpdir")), writer);
    }

    /** As {@link #dumpInto(Reader, long)}, the dump written by {@code writer} under {@code tmp}. */
    static String dumpInto(Reader reader, long expectedThreads, Path tmp, Writer writer) {
        Path dir = null;
        Path file = null;
        try {
            String space = room(tmp, expectedThreads * BYTES_PER_THREAD);
            if (space != null) {
                return space;
            }
            dir = privateDirectory(tmp);
            file = dir.resolve("threads.json");
            writer.write(file.toAbsolutePath());
            InputStream in = new FileInputStream(file.toFile());
            try {
                reader.read(in);
            } finally {
                in.close();
            }
            return null;
        } catch (Throwable e) {
            return "the thread dump could not be written in " + tmp + ": " + e;
        } finally {
            delete(file);
            delete(dir);
        }
    }

    private static Writer publicDump() throws ReflectiveOperationException {
        Class<?> beanType = Class.forName("com.sun.management.HotSpotDiagnosticMXBean");
        @SuppressWarnings({"unchecked", "rawtypes"})
        final Object json = Enum.valueOf((Class) Class.forName("com.sun.management.HotSpotDiagnosticMXBean$ThreadDumpFormat"), "JSON");
        final Method dump = beanType.getMethod("dumpThreads", String.class, json.getClass());
        @SuppressWarnings({"unchecked", "rawtypes"})
        final Object bean = ManagementFactory.getPlatformMXBean((Class) beanType);
        return new Writer() {
            @Override
            public void write(Path file) throws IOException {
                try {
                    dump.invoke(bean, file.toString(), json);
                } catch (InvocationTargetException e) {
                    throw new IOException(String.valueOf(e.getCause()), e.getCause());
                } catch (IllegalAccessException e) {
                    throw new IOException(e.toString(), e);
                }
            }
        };
    }

    /** Null when a dump of about {@code bytes} leaves enough free space; else why not. */
    static String room(Path where, long bytes) throws IOException {
        FileStore store = Files.getFileStore(where);
        long usable = store.getUsableSpace();
        long total = store.getTotalSpace();
        long keep = Math.max(MIN_FREE_BYTES, (long) (total * MIN_FREE_FRACTION));
        return room(usable, bytes, keep) ? null
                : "a dump of about " + bytes + " bytes would leave less than " + keep + " of " + usable + " usable bytes free in " + where;
    }

    static boolean room(long usable, long bytes, long keep) {
        return usable - bytes >= keep;
    }

    private static Path privateDirectory(Path tmp) throws IOException {
        try {
            FileAttribute<?> owner = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
            return Files.createTempDirectory(tmp, "jvm-health-threads-", owner);
        } catch (UnsupportedOperationException e) {
            Path dir = Files.createTempDirectory(tmp, "jvm-health-threads-");
            File f = dir.toFile();
            f.setReadable(false, false);
            f.setWritable(false, false);
            f.setExecutable(false, false);
            f.setReadable(true, true);
            f.setWritable(true, true);
            f.setExecutable(true, true);
            return dir;
        }
    }

    private static void delete(Path p) {
        if (p == null) {
            return;
        }
        try {
            Files.deleteIfExists(p);
        } catch (IOException | RuntimeException e) {
            // nothing more to do; the directory is private
        }
    }
}
