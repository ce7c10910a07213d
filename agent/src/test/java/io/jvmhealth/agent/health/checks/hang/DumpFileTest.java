package io.jvmhealth.agent.health.checks.hang;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The public dump's file: in a private directory, read, and removed at once whatever happened; a failure to write it
 * (a full disk, a directory that cannot be made) is a reason, never an exception.
 */
class DumpFileTest {
    private static final byte[] DUMP = "{\"threadDump\":{\"threadContainers\":[]}}".getBytes(StandardCharsets.UTF_8);

    /** What the reader saw. */
    private static final class Seen implements DumpFile.Reader {
        final List<String> texts = new ArrayList<>();

        @Override
        public void read(InputStream in) throws IOException {
            texts.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    private static long entries(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }

    @Test
    void theDumpIsWrittenInAPrivateDirectoryReadAndRemoved(@TempDir Path tmp) throws IOException {
        Seen seen = new Seen();
        List<String> modes = new ArrayList<>();
        String problem = DumpFile.dumpInto(seen, 10, tmp, file -> {
            assertTrue(file.isAbsolute());
            modes.add(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
            assertTrue(file.getParent().getFileName().toString().startsWith("jvm-health-threads-"), file.toString());
            Files.write(file, DUMP);
        });
        assertNull(problem);
        assertEquals(1, seen.texts.size());
        assertEquals(new String(DUMP, StandardCharsets.UTF_8), seen.texts.get(0));
        assertEquals(List.of("rwx------"), modes);
        assertEquals(0, entries(tmp), "file and directory removed");
    }

    @Test
    void aFullDiskIsAReasonAndLeavesNothingBehind(@TempDir Path tmp) throws IOException {
        Seen seen = new Seen();
        String problem = DumpFile.dumpInto(seen, 10, tmp, file -> {
            Files.write(file, new byte[4096]); // the part written before the disk filled
            throw new IOException("No space left on device");
        });
        assertTrue(problem.startsWith("the thread dump could not be written in " + tmp + ": "), problem);
        assertTrue(problem.contains("No space left on device"), problem);
        assertTrue(seen.texts.isEmpty());
        assertEquals(0, entries(tmp), "the partial file and the directory removed");
    }

    @Test
    void aDirectoryThatCannotBeMadeIsAReason(@TempDir Path tmp) throws IOException {
        Path notADirectory = Files.write(tmp.resolve("file"), new byte[1]);
        String problem = DumpFile.dumpInto(new Seen(), 10, notADirectory, file -> {
            throw new AssertionError("never written");
        });
        assertTrue(problem.startsWith("the thread dump could not be written in " + notADirectory + ": "), problem);
    }

    @Test
    void noDumpIsBegunThatWouldLeaveTooLittleFreeSpace(@TempDir Path tmp) {
        String problem = DumpFile.dumpInto(new Seen(), Long.MAX_VALUE / 2048, tmp, file -> {
            throw new AssertionError("never written");
        });
        assertTrue(problem.startsWith("a dump of about "), problem);
        assertTrue(DumpFile.room(1000L << 20, 100L << 20, 256L << 20));
        assertFalse(DumpFile.room(300L << 20, 100L << 20, 256L << 20));
    }

    @Test
    void onThisJdk17ThereIsNoPublicJsonDump() {
        if (Runtime.version().feature() < 21) {
            String problem = DumpFile.dumpInto(new Seen(), 10);
            assertTrue(problem.startsWith("no JSON thread dump on this JVM (JDK 21+): "), problem);
        }
    }
}
