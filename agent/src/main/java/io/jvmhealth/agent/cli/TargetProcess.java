package io.jvmhealth.agent.cli;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Checks a pid before the attach API touches it, so that every predictable refusal is one clear line
 * and so that nothing is ever signalled that is not a JVM ready for it.
 *
 * <p>The JDK's attach starts a JVM's attach listener by sending it SIGQUIT. A process that is not a
 * JVM, or a JVM started with {@code -Xrs}, does not catch that signal and would be killed by it; a
 * JVM started with {@code -XX:+DisableAttachMechanism} (and without perf data) would print a thread
 * dump on its stdout. On Linux these checks read only {@code /proc}; elsewhere only the existence of
 * the pid is checked and the attach API reports the rest.
 */
final class TargetProcess {
    private static final Path PROC = Paths.get("/proc");
    private static final long SIGQUIT_MASK = 1L << (3 - 1);

    private TargetProcess() {
    }

    /** This JVM's pid. */
    static long ownPid() {
        try {
            Class<?> handle = Class.forName("java.lang.ProcessHandle");
            Object current = handle.getMethod("current").invoke(null);
            return (Long) handle.getMethod("pid").invoke(current);
        } catch (ReflectiveOperationException | LinkageError e) {
            String name = java.lang.management.ManagementFactory.getRuntimeMXBean().getName();
            return Long.parseLong(name.substring(0, name.indexOf('@')));
        }
    }

    /** Parses a pid argument. */
    static long parsePid(String text) throws CliFailure {
        try {
            long pid = Long.parseLong(text);
            if (pid > 0) {
                return pid;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new CliFailure(Cli.USAGE, "'" + text + "' is not a process id (a positive number, as shown by `list`, jps or ps)");
    }

    /** Fails with the reason when {@code pid} cannot or must not be attached to. */
    static void check(long pid) throws CliFailure {
        if (pid == ownPid()) {
            throw new CliFailure(Cli.FAILED, "pid " + pid + " is this command's own JVM; give the pid of the application's JVM");
        }
        if (!exists(pid)) {
            throw new CliFailure(Cli.FAILED, "no process with pid " + pid + " (see `list`, jps or ps for running JVMs)");
        }
        Path dir = PROC.resolve(Long.toString(pid));
        if (!Files.isDirectory(dir)) {
            return; // not Linux: the attach API reports what it finds
        }
        String tgid = field(read(dir.resolve("status")), "Tgid:");
        if (tgid != null && !tgid.trim().equals(Long.toString(pid))) {
            throw new CliFailure(Cli.FAILED, pid + " is a thread of process " + tgid.trim() + ", not a process; give the pid " + tgid.trim());
        }
        checkSameUser(pid, dir);
        String maps = read(dir.resolve("maps"));
        if (maps != null && maps.isEmpty()) {
            throw new CliFailure(Cli.FAILED, "pid " + pid + " has ended (it is waiting to be reaped by its parent)");
        }
        if (maps != null && !maps.contains("/libjvm.so") && !maps.contains("libj9vm")) {
            String comm = read(dir.resolve("comm"));
            throw new CliFailure(Cli.FAILED, "pid " + pid + " is not a Java virtual machine"
                    + (comm == null || comm.trim().isEmpty() ? "" : " (it runs " + comm.trim() + ")"));
        }
        if (Boolean.TRUE.equals(flag(pid, "DisableAttachMechanism"))) {
            throw new CliFailure(Cli.FAILED, "pid " + pid + " refuses attach: it was started with -XX:+DisableAttachMechanism;"
                    + " load the agent at its next start with -javaagent or JAVA_TOOL_OPTIONS instead");
        }
        if (!listenerStarted(pid, dir) && !catchesSigquit(dir)) {
            throw new CliFailure(Cli.FAILED, "pid " + pid + " does not handle SIGQUIT (started with -Xrs?), which the attach API"
                    + " sends to start its attach listener and which would end that process; not attaching");
        }
    }

    private static boolean exists(long pid) {
        Path dir = PROC.resolve(Long.toString(pid));
        if (Files.isDirectory(PROC.resolve("self"))) {
            return Files.isDirectory(dir);
        }
        try {
            Class<?> handle = Class.forName("java.lang.ProcessHandle");
            Object found = handle.getMethod("of", long.class).invoke(null, pid);
            Method isPresent = found.getClass().getMethod("isPresent");
            return (Boolean) isPresent.invoke(found);
        } catch (ReflectiveOperationException | LinkageError e) {
            return true; // cannot tell here: the attach API will
        }
    }

    private static void checkSameUser(long pid, Path dir) throws CliFailure {
        long ours = effectiveUid();
        if (ours <= 0) {
            return; // root may attach to any user's JVM (HotSpot accepts root), or we cannot tell
        }
        try {
            long theirs = ((Number) Files.getAttribute(dir, "unix:uid")).longValue();
            if (theirs != ours) {
                String owner = Files.getOwner(dir).getName();
                throw new CliFailure(Cli.FAILED, "pid " + pid + " runs as user " + owner + " (uid " + theirs + ") and this command as uid "
                        + ours + ": the attach API connects only to JVMs of the same user; run it as that user,"
                        + " e.g. sudo -u " + owner + " java -jar jvm-health-agent.jar ...");
            }
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | SecurityException ignored) {
            // cannot tell: the attach API will
        }
    }

    /** This process's effective uid on Linux, or -1 when unknown. */
    static long effectiveUid() {
        String status = read(PROC.resolve("self").resolve("status"));
        String uids = field(status, "Uid:");
        if (uids == null) {
            return -1;
        }
        String[] parts = uids.trim().split("\\s+");
        return parts.length > 1 ? Long.parseLong(parts[1]) : -1;
    }

    /**
     * A boolean {@code -XX:} flag of the JVM as far as its command line and option variables say
     * (JAVA_TOOL_OPTIONS first, then JDK_JAVA_OPTIONS and the command line, then _JAVA_OPTIONS; the
     * last one wins): TRUE for {@code -XX:+NAME}, FALSE for {@code -XX:-NAME}, null when not given or
     * not readable (not Linux, another user's process).
     */
    static Boolean flag(long pid, String name) {
        Path dir = PROC.resolve(Long.toString(pid));
        String cmdline = read(dir.resolve("cmdline"));
        if (cmdline == null) {
            return null;
        }
        String environ = read(dir.resolve("environ"));
        String all = env(environ, "JAVA_TOOL_OPTIONS") + ' ' + env(environ, "JDK_JAVA_OPTIONS") + ' '
                + cmdline.replace('\0', ' ') + ' ' + env(environ, "_JAVA_OPTIONS") + ' ';
        int on = all.lastIndexOf("-XX:+" + name + " ");
        int off = all.lastIndexOf("-XX:-" + name + " ");
        return on < 0 && off < 0 ? null : on > off;
    }

    private static boolean listenerStarted(long pid, Path dir) {
        String status = read(dir.resolve("status"));
        String nspid = field(status, "NSpid:");
        String inner = Long.toString(pid);
        if (nspid != null) {
            String[] parts = nspid.trim().split("\\s+");
            inner = parts[parts.length - 1];
        }
        String socket = ".java_pid" + inner;
        return Files.exists(dir.resolve("root").resolve("tmp").resolve(socket)) || Files.exists(dir.resolve("cwd").resolve(socket));
    }

    private static boolean catchesSigquit(Path dir) {
        String status = read(dir.resolve("status"));
        String caught = field(status, "SigCgt:");
        String ignored = field(status, "SigIgn:");
        if (caught == null || ignored == null) {
            return true; // cannot tell: let the attach API decide
        }
        try {
            return (Long.parseUnsignedLong(caught.trim(), 16) & SIGQUIT_MASK) != 0
                    && (Long.parseUnsignedLong(ignored.trim(), 16) & SIGQUIT_MASK) == 0;
        } catch (NumberFormatException e) {
            return true;
        }
    }

    private static String env(String environ, String name) {
        if (environ == null) {
            return "";
        }
        for (String entry : environ.split("\0")) {
            if (entry.startsWith(name + "=")) {
                return entry.substring(name.length() + 1);
            }
        }
        return "";
    }

    private static String field(String text, String name) {
        if (text == null) {
            return null;
        }
        for (String line : text.split("\n")) {
            if (line.startsWith(name)) {
                return line.substring(name.length());
            }
        }
        return null;
    }

    /** The file's text, or null when it cannot be read (another user's process, not Linux). */
    static String read(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        } catch (IOException | SecurityException e) {
            return null;
        }
    }
}
