package io.jvmhealth.agent.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real sample-target JVM started for a test, optionally with the agent, whose stdout and stderr
 * are collected line by line and whose stdin takes sample-target commands. Killed on close.
 */
public final class TargetJvm implements AutoCloseable {

    private final Process process;
    private final OutputPump stdout;
    private final OutputPump stderr;
    private final OutputStream stdin;
    private final List<String> command;

    private TargetJvm(List<String> command, Map<String, String> env, Path directory) throws IOException {
        this.command = command;
        ProcessBuilder pb = new ProcessBuilder(command);
        if (directory != null) {
            pb.directory(directory.toFile());
        }
        pb.environment().keySet().removeIf(k -> k.startsWith("JVMHEALTH_") || k.equals("JAVA_TOOL_OPTIONS"));
        pb.environment().putAll(env);
        process = pb.start();
        stdin = process.getOutputStream();
        stdout = OutputPump.start(process.getInputStream(), "target-stdout-pump");
        stderr = OutputPump.start(process.getErrorStream(), "target-stderr-pump");
    }

    /** How a script ran to its end without the agent: what a run with the agent must match. */
    public record Exited(int code, List<String> stdout, List<String> stderr) {
    }

    /** Guarded by the class: {@link #withoutAgent} is synchronized. */
    private static final Map<List<String>, Exited> WITHOUT_AGENT = new HashMap<>();

    /**
     * Runs the script to its exit on the tests' own JDK without the agent, once per script and test JVM: the reference
     * that the parameterized "the agent leaves the host untouched" tests compare each of their runs with.
     */
    public static synchronized Exited withoutAgent(String... script) throws Exception {
        List<String> key = List.of(script);
        Exited known = WITHOUT_AGENT.get(key);
        if (known == null) {
            try (TargetJvm plain = builder().commands(script).start()) {
                int code = plain.awaitExit(Duration.ofSeconds(30));
                known = new Exited(code, plain.stdoutAfterExit(), plain.stderrAfterExit());
            }
            WITHOUT_AGENT.put(key, known);
        }
        return known;
    }

    /** Starts a builder for a target on the tests' own JDK. */
    public static Builder builder() {
        return new Builder();
    }

    /** Options for starting a target. */
    public static final class Builder {
        private Path java = Jdks.current();
        private final List<String> jvmArgs = new ArrayList<>();
        private String agentOptions;
        private boolean agent;
        private final List<String> commands = new ArrayList<>();
        private final Map<String, String> env = new java.util.LinkedHashMap<>();
        private final List<String> prefix = new ArrayList<>();
        private List<String> mainClass;
        private Path directory;

        public Builder java(Path launcher) {
            this.java = launcher;
            return this;
        }

        public Builder jvmArgs(String... args) {
            jvmArgs.addAll(Arrays.asList(args));
            return this;
        }

        /** Loads the agent with {@code -javaagent:jar=options} (options may be null or empty). */
        public Builder agent(String options) {
            this.agent = true;
            this.agentOptions = options;
            return this;
        }

        boolean hasAgent() {
            return agent;
        }

        /** sample-target commands given on its command line, e.g. {@code "print", "hi", "exit", "3"}. */
        public Builder commands(String... words) {
            commands.addAll(Arrays.asList(words));
            return this;
        }

        /**
         * Runs the JVM through a wrapper that ends with {@code exec "$@"}, e.g.
         * {@code bash -c 'ulimit -n 256; exec "$@"' bash}, so that the JVM keeps the wrapper's pid.
         */
        public Builder prefix(String... words) {
            prefix.addAll(Arrays.asList(words));
            return this;
        }

        /** Runs {@code -jar jar args...} instead of sample-target (a Spring Boot fat jar of the gate tests). */
        public Builder jar(Path jar, String... args) {
            List<String> words = new ArrayList<>(Arrays.asList("-jar", jar.toString()));
            words.addAll(Arrays.asList(args));
            this.mainClass = words;
            return this;
        }

        /** Runs {@code -cp classPath mainClass args...} instead of sample-target (the gate tests' framework hosts). */
        public Builder main(String classPath, String mainClass, String... args) {
            List<String> words = new ArrayList<>(Arrays.asList("-cp", classPath, mainClass));
            words.addAll(Arrays.asList(args));
            this.mainClass = words;
            return this;
        }

        /** The target's working directory (default: the tests' own). */
        public Builder directory(Path dir) {
            this.directory = dir;
            return this;
        }

        public Builder env(String name, String value) {
            env.put(name, value);
            return this;
        }

        public TargetJvm start() throws IOException {
            List<String> cmd = new ArrayList<>(prefix);
            cmd.add(java.toString());
            cmd.add("-Xshare:auto");
            cmd.addAll(jvmArgs);
            if (agent) {
                String spec = "-javaagent:" + Artifacts.agentJar();
                if (agentOptions != null && !agentOptions.isEmpty()) {
                    spec += "=" + agentOptions;
                }
                cmd.add(spec);
            }
            if (mainClass != null) {
                cmd.addAll(mainClass);
            } else {
                cmd.add("-jar");
                cmd.add(Artifacts.sampleJar().toString());
            }
            cmd.addAll(commands);
            return new TargetJvm(cmd, env, directory);
        }
    }

    public long pid() {
        return process.pid();
    }

    public Process process() {
        return process;
    }

    /** Sends one sample-target command line on stdin. */
    public void send(String commandLine) throws IOException {
        stdin.write((commandLine + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
    }

    /** Sends a command and waits for its {@code ok ...} line on stdout. */
    public void run(String commandLine, Duration timeout) throws IOException {
        int before = stdoutLines().size();
        send(commandLine);
        String expected = "ok " + commandLine;
        Poll.until("'" + expected + "' from the target (" + this + ")", timeout,
                () -> {
                    List<String> lines = stdoutLines();
                    return lines.subList(Math.min(before, lines.size()), lines.size());
                }, lines -> lines.contains(expected));
    }

    public List<String> stdoutLines() {
        return stdout.lines();
    }

    /** Waits for a line on stdout that starts with {@code prefix} and returns the first such line; fails at the deadline. */
    public String awaitStdoutLine(String prefix, Duration timeout) {
        return Poll.until("a line '" + prefix + "...' on stdout (" + this + ")", timeout, () -> {
            for (String line : stdoutLines()) {
                if (line.startsWith(prefix)) {
                    return line;
                }
            }
            return null;
        }, line -> line != null);
    }

    public List<String> stderrLines() {
        return stderr.lines();
    }

    /** The agent's URL, read from its start line on stderr. */
    public String agentUrl(Duration timeout) {
        return Poll.until("the agent's start line on stderr (" + this + ")", timeout,
                () -> AgentLines.url(stderrLines()), url -> url != null);
    }

    /** Waits for the target to exit and returns its exit code; fails at the deadline. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("target did not exit within " + timeout.toMillis() + " ms: " + this);
        }
        return process.exitValue();
    }

    /** Stdout after the process ended: waits for the process to exit and for its stdout pump to read the last line. */
    public List<String> stdoutAfterExit() {
        Poll.until("the target to exit (" + this + ")", Duration.ofSeconds(5), process::isAlive, alive -> !alive);
        return stdout.linesAfterEnd(Duration.ofSeconds(5));
    }

    /** Stderr after the process ended: waits for the process to exit and for its stderr pump to read the last line. */
    public List<String> stderrAfterExit() {
        Poll.until("the target to exit (" + this + ")", Duration.ofSeconds(5), process::isAlive, alive -> !alive);
        return stderr.linesAfterEnd(Duration.ofSeconds(5));
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "pid " + (process.isAlive() ? process.pid() : process.pid() + " (exited)") + ", command " + command
                + ", stderr " + stderrLines() + ", stdout's last lines " + last(stdoutLines(), 20);
    }

    private static List<String> last(List<String> lines, int n) {
        return lines.subList(Math.max(0, lines.size() - n), lines.size());
    }
}
