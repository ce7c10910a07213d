package io.jvmhealth.agent.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resource figures of another JVM, read from outside (Linux {@code /proc} and {@code jcmd}), so
 * that measuring changes nothing in the measured JVM besides what jcmd itself adds once (its
 * attach listener thread and socket: take a first measurement before the baseline).
 */
public final class ProcessStats {
    private static final Pattern USED = Pattern.compile("used (\\d+)K");

    private ProcessStats() {
    }

    /** Native names of all threads (Linux keeps the first 15 characters of a Java thread's name). */
    public static List<String> threadNames(long pid) throws IOException {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Paths.get("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks) {
                try {
                    names.add(new String(Files.readAllBytes(task.resolve("comm")), StandardCharsets.UTF_8).trim());
                } catch (IOException ended) {
                    // the thread ended while we listed
                }
            }
        }
        return names;
    }

    /** Threads of the agent: every one is named {@code jvm-health-*}. */
    public static int agentThreads(long pid) throws IOException {
        int n = 0;
        for (String name : threadNames(pid)) {
            if (AgentLines.isAgentThread(name)) {
                n++;
            }
        }
        return n;
    }

    /**
     * Threads that are neither the agent's nor the JIT compiler's (HotSpot adds and removes compiler
     * threads by itself under load).
     */
    public static int otherThreads(long pid) throws IOException {
        int n = 0;
        for (String name : threadNames(pid)) {
            if (!AgentLines.isAgentThread(name) && !name.contains("CompilerThre")) {
                n++;
            }
        }
        return n;
    }

    public static int threads(long pid) throws IOException {
        return threadNames(pid).size();
    }

    /** Open file descriptors. */
    public static int fds(long pid) throws IOException {
        int n = 0;
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Paths.get("/proc", Long.toString(pid), "fd"))) {
            for (Path ignored : fds) {
                n++;
            }
        }
        return n;
    }

    /** Runs a full GC in the JVM ({@code jcmd GC.run}) and returns the heap bytes in use after it. */
    public static long heapAfterGc(long pid) throws IOException, InterruptedException {
        jcmd(pid, "GC.run");
        String info = jcmd(pid, "GC.heap_info");
        Matcher m = USED.matcher(info);
        if (!m.find()) {
            throw new IllegalStateException("no 'used NK' in jcmd GC.heap_info output: " + info);
        }
        return Long.parseLong(m.group(1)) * 1024;
    }

    public static String jcmd(long pid, String command) throws IOException, InterruptedException {
        Path jcmd = Jdks.current().resolveSibling("jcmd");
        try {
            // The target's own JDK's jcmd (/proc/PID/exe is its java launcher).
            Path own = Files.readSymbolicLink(Paths.get("/proc", Long.toString(pid), "exe")).resolveSibling("jcmd");
            if (Files.isExecutable(own)) {
                jcmd = own;
            }
        } catch (IOException | UnsupportedOperationException ignored) {
            // not Linux: the tests' JDK's jcmd
        }
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command).redirectErrorStream(true).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = p.getInputStream()) {
            byte[] buf = new byte[8192];
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
            }
        }
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("jcmd " + pid + " " + command + " did not finish in 30 s");
        }
        String text = out.toString("UTF-8");
        if (p.exitValue() != 0) {
            throw new IllegalStateException("jcmd " + pid + " " + command + " failed (" + p.exitValue() + "): " + text);
        }
        return text;
    }

    /** One line of figures for test output and the README. */
    public static String describe(long pid) throws IOException {
        return "threads=" + threads(pid) + " (agent " + agentThreads(pid) + "), fds=" + fds(pid);
    }
}
