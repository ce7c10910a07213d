package io.jvmhealth.agent.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A server started by its own shell script (WildFly's {@code standalone.sh}, Keycloak's {@code kc.sh}), with every
 * process of its tree remembered so that none outlives the test. The scripts start JVMs in ways that hide them from
 * {@link Process#descendants()} later: {@code standalone.sh} runs its JVM as a child and, killed itself, leaves the
 * JVM running under init; {@code kc.sh} runs a build JVM, then {@code exec}s the server JVM in its own pid. So a
 * daemon thread records every descendant it sees (every 50 ms), {@link #close} kills them all children first, and a
 * shutdown hook does the same if the test JVM ends before {@code close}. Output (stdout and stderr merged) is kept
 * line by line.
 */
public final class ScriptedServer implements AutoCloseable {
    private final List<String> command;
    private final Process script;
    private final OutputPump output;
    /** Every process seen in the tree with its latest command line (ProcessHandle compares pid and start time). */
    private final Map<ProcessHandle, String> seen = new LinkedHashMap<>();
    /** Every (pid, command line) seen, in order: an {@code exec} shows as a second entry of the same pid. */
    private final List<String> history = new ArrayList<>();
    private final Thread watcher;
    private final Thread hook;

    private ScriptedServer(List<String> command, Map<String, String> env, Path directory) throws IOException {
        this.command = command;
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        if (directory != null) {
            pb.directory(directory.toFile());
        }
        // Nothing of the test JVM's own environment that would start an agent or change the server's options.
        pb.environment().keySet().removeIf(k -> k.startsWith("JVMHEALTH_") || k.equals("JAVA_TOOL_OPTIONS")
                || k.equals("JDK_JAVA_OPTIONS") || k.equals("JAVA_OPTS") || k.equals("JAVA_OPTS_APPEND") || k.equals("JAVA_HOME"));
        pb.environment().putAll(env);
        script = pb.start();
        script.getOutputStream().close();
        output = OutputPump.start(script.getInputStream(), "server-output-pump");
        remember(script.toHandle());
        watcher = new Thread(this::watch, "server-tree-watcher");
        watcher.setDaemon(true);
        watcher.start();
        hook = new Thread(this::killTree, "server-tree-killer");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Starts {@code command} in {@code directory} with {@code env} added to a cleaned copy of the tests' environment. */
    public static ScriptedServer start(List<String> command, Map<String, String> env, Path directory) throws IOException {
        return new ScriptedServer(new ArrayList<>(command), env, directory);
    }

    private void watch() {
        while (script.isAlive()) {
            remember(script.toHandle());
            script.descendants().forEach(this::remember);
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void remember(ProcessHandle p) {
        String line = p.info().commandLine().orElse("?");
        synchronized (seen) {
            if (!line.equals(seen.put(p, line))) {
                history.add(p.pid() + " " + line);
            }
        }
    }

    /**
     * The command lines of every JVM seen in the tree (a {@code java} launcher) whose command line contains
     * {@code marker}, in the order they appeared, each as {@code "pid commandLine"}.
     */
    public List<String> seenJvms(String marker) {
        synchronized (seen) {
            return history.stream().filter(h -> {
                String line = h.substring(h.indexOf(' ') + 1);
                int space = line.indexOf(' ');
                return (space < 0 ? line : line.substring(0, space)).endsWith("/java") && line.contains(marker);
            }).collect(Collectors.toList());
        }
    }

    public Process script() {
        return script;
    }

    /** Output so far: stdout and stderr of the script and of every process it started, merged. */
    public List<String> output() {
        return output.lines();
    }

    /** Every output line, once the script's output ended (every writer exited). */
    public List<String> outputAfterEnd(Duration timeout) {
        return output.linesAfterEnd(timeout);
    }

    /**
     * The live JVM of the tree whose command line contains {@code marker} (e.g. {@code jboss-modules.jar}), the most
     * recently started first; the script's own pid counts (after {@code exec}).
     */
    public Optional<ProcessHandle> jvm(String marker) {
        List<ProcessHandle> candidates = new ArrayList<>();
        candidates.add(script.toHandle());
        candidates.addAll(script.descendants().collect(Collectors.toList()));
        ProcessHandle best = null;
        java.time.Instant bestStart = java.time.Instant.MIN;
        for (ProcessHandle p : candidates) {
            ProcessHandle.Info info = p.info();
            java.time.Instant started = info.startInstant().orElse(java.time.Instant.MIN);
            if (p.isAlive() && info.command().orElse("").endsWith("/java") && info.commandLine().orElse("").contains(marker)
                    && (best == null || started.isAfter(bestStart))) {
                best = p;
                bestStart = started;
            }
        }
        return Optional.ofNullable(best);
    }

    /** Processes of the tree still alive (the script, its JVMs and anything they started that the watcher saw). */
    public List<String> alive() {
        synchronized (seen) {
            return seen.entrySet().stream().filter(e -> e.getKey().isAlive())
                    .map(e -> e.getKey().pid() + " " + e.getValue()).collect(Collectors.toList());
        }
    }

    /** Waits for the script to exit and returns its exit code; fails at the deadline. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!script.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the server's script did not exit within " + timeout.toMillis() + " ms: " + this);
        }
        return script.exitValue();
    }

    /** Kills every process of the tree that is still alive, children before parents, and waits up to 10 s for them. */
    private void killTree() {
        List<ProcessHandle> all;
        synchronized (seen) {
            all = new ArrayList<>(seen.keySet());
        }
        all.addAll(script.descendants().collect(Collectors.toList()));
        for (int i = all.size() - 1; i >= 0; i--) {
            ProcessHandle p = all.get(i);
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (ProcessHandle p : all) {
            while (p.isAlive() && System.nanoTime() < deadline) {
                try {
                    p.onExit().get(100, TimeUnit.MILLISECONDS);
                } catch (Exception notYet) {
                    // poll again until the deadline
                }
            }
        }
    }

    @Override
    public void close() {
        killTree();
        watcher.interrupt();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
    }

    @Override
    public String toString() {
        List<String> lines = output();
        return "command " + command + ", alive " + alive() + ", last output "
                + lines.subList(Math.max(0, lines.size() - 30), lines.size());
    }
}
