package io.jvmhealth.agent.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Paths;

/** Whether this test JVM runs as root (tests that need it skip with a visible message otherwise). */
public final class Privileges {
    private Privileges() {
    }

    /** True when the effective user id is 0 (read from {@code /proc/self/status}; false where there is no /proc). */
    public static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Paths.get("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[2].equals("0");
                }
            }
        } catch (IOException ignored) {
            // not Linux
        }
        return false;
    }
}
