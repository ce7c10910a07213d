package io.jvmhealth.sample;

import java.io.Closeable;
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** The {@code fds} scenario: holds open file descriptors. */
final class FileDescriptors {

    private static final File NULL_DEVICE =
            new File(File.separatorChar == '\\' ? "NUL" : "/dev/null");

    private static final List<Closeable> OPEN = new ArrayList<Closeable>();

    private FileDescriptors() {
    }

    /** Opens {@code count} more descriptors, or as many as the OS allows (then reports an error). */
    static void open(int count) {
        for (int i = 0; i < count; i++) {
            try {
                OPEN.add(new FileInputStream(NULL_DEVICE));
            } catch (IOException e) {
                // Typically "Too many open files": keep what is open.
                SampleTarget.error("fds: " + e.getMessage());
                return;
            }
        }
    }

    static void closeAll() {
        for (Closeable closeable : OPEN) {
            try {
                closeable.close();
            } catch (IOException e) {
                SampleTarget.error("fds-free: " + e.getMessage());
            }
        }
        OPEN.clear();
    }
}
