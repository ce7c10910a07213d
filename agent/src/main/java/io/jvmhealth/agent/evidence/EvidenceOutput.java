package io.jvmhealth.agent.evidence;

import io.jvmhealth.agent.health.UtcTime;
import io.jvmhealth.agent.base.AgentLog;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;

/**
 * Where evidence goes: with {@code evidence.dir}, first a file there (so that a blocked stderr
 * cannot keep it from being written), then stderr, as one block between
 * {@code [jvm-health] BEGIN evidence <reason>} and {@code [jvm-health] END evidence}, every line
 * prefixed {@code [jvm-health] } and already escaped (one line per line).
 *
 * <p>Files are named {@code jvm-health-evidence-<UTC time>-<pid>-<kind>.txt}, created with
 * {@code CREATE_NEW} (never overwriting: a clash gets a {@code -2} ... suffix), readable by the
 * owner only where the file system has POSIX permissions, at most {@link #MAX_FILE_BYTES} bytes
 * each, and at most {@link #MAX_FILES} of them in the folder (the oldest of ours is deleted to make
 * room; no other file is touched).
 */
final class EvidenceOutput {
    static final String PREFIX = "[jvm-health] ";
    static final String FILE_PREFIX = "jvm-health-evidence-";
    static final int MAX_FILES = 20;
    static final int MAX_FILE_BYTES = 4 * 1024 * 1024;
    /** The reason on the BEGIN line is cut here (a deadlock of threads with 5,000-character names makes a long one). */
    static final int MAX_REASON = 2000;

    private final String dir;
    private final String pid;

    EvidenceOutput(String dir, String pid) {
        this.dir = dir;
        this.pid = pid;
    }

    String pid() {
        return pid;
    }

    /** Writes one evidence block; returns the file written, or null. */
    String write(String kind, String reason, List<String> lines, long epochMillis) {
        String shown = reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) + "...(reason cut: " + reason.length() + " characters)" : reason;
        String begin = "BEGIN evidence " + AgentLog.escape(shown);
        String file = dir == null ? null : writeFile(kind, begin, lines, epochMillis);
        StringBuilder b = new StringBuilder(64 + lines.size() * 64);
        b.append(PREFIX).append(begin).append('\n');
        for (String line : lines) {
            b.append(PREFIX).append(line).append('\n');
        }
        if (file != null) {
            b.append(PREFIX).append(AgentLog.escape("(also written to " + file + ")")).append('\n');
        }
        b.append(PREFIX).append("END evidence\n");
        AgentLog.block(b.toString());
        return file;
    }

    private String writeFile(String kind, String begin, List<String> lines, long epochMillis) {
        try {
            Path folder = Paths.get(dir);
            Files.createDirectories(folder);
            makeRoom(folder);
            String base = FILE_PREFIX + UtcTime.compact(epochMillis) + "-" + pid + "-" + kind;
            StringBuilder text = new StringBuilder(64 + lines.size() * 64).append(begin).append('\n');
            for (String line : lines) {
                text.append(line).append('\n');
            }
            text.append("END evidence\n");
            byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
            if (bytes.length > MAX_FILE_BYTES) {
                byte[] cut = Arrays.copyOf(bytes, MAX_FILE_BYTES);
                byte[] note = ("\n... cut at " + MAX_FILE_BYTES + " bytes\nEND evidence\n").getBytes(StandardCharsets.US_ASCII);
                System.arraycopy(note, 0, cut, MAX_FILE_BYTES - note.length, note.length);
                bytes = cut;
            }
            for (int n = 1; n <= 20; n++) {
                Path p = folder.resolve(base + (n == 1 ? "" : "-" + n) + ".txt");
                try (OutputStream out = create(p)) {
                    out.write(bytes);
                    return p.toString();
                } catch (FileAlreadyExistsException e) {
                    // never overwrite: try the next name
                }
            }
            AgentLog.warn("evidence file not written: 20 files named " + base + "* already exist in " + dir);
        } catch (IOException | RuntimeException e) {
            AgentLog.warn("evidence file not written in " + dir + ": " + e);
        }
        return null;
    }

    private static OutputStream create(Path p) throws IOException {
        OpenOption[] options = {StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE};
        if (p.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            FileAttribute<?> ownerOnly = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
            return Files.newOutputStream(Files.createFile(p, ownerOnly), StandardOpenOption.WRITE);
        }
        return Files.newOutputStream(p, options);
    }

    /** Deletes our oldest files until fewer than {@link #MAX_FILES} remain. */
    private static void makeRoom(Path folder) {
        String[] names = folder.toFile().list();
        if (names == null) {
            return;
        }
        Arrays.sort(names); // our names sort by time
        int ours = 0;
        for (String n : names) {
            if (n.startsWith(FILE_PREFIX)) {
                ours++;
            }
        }
        for (String n : names) {
            if (ours < MAX_FILES) {
                break;
            }
            if (n.startsWith(FILE_PREFIX) && new File(folder.toFile(), n).delete()) {
                ours--;
            }
        }
    }
}
