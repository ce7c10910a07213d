package io.jvmhealth.agent.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The threads of another process as the kernel lists them ({@code /proc/PID/task/N/comm}: native thread
 * names, cut to 15 characters). Reading them attaches to nothing, so it can count a JVM's threads
 * before anything was ever attached to it. Linux only.
 */
public final class OsThreads {
    private OsThreads() {
    }

    public static boolean available() {
        return Files.isDirectory(Paths.get("/proc/self/task"));
    }

    /** Sorted thread names of {@code pid}. */
    public static List<String> names(long pid) throws IOException {
        List<String> names = new ArrayList<>(ProcessStats.threadNames(pid));
        Collections.sort(names);
        return names;
    }

    /** How many of {@code pid}'s threads have a name starting with {@code prefix}. */
    public static long count(long pid, String prefix) throws IOException {
        return names(pid).stream().filter(n -> n.startsWith(prefix)).count();
    }
}
