package io.jvmhealth.agent.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the command-line tool as a user would, in its own process ({@code java -jar
 * jvm-health-agent.jar ARGS}), and captures its exit code, stdout and stderr. The environment is
 * cleaned of {@code JAVA_TOOL_OPTIONS} and {@code JVMHEALTH_*} unless a test sets them.
 */
public final class AgentCli {
    private Path java = Jdks.current();
    private final List<String> prefix = new ArrayList<>();
    private final List<String> jvmArgs = new ArrayList<>();
    private final Map<String, String> env = new LinkedHashMap<>();
    private Duration timeout = Duration.ofSeconds(90);

    /** A tool run on the tests' own JDK. */
    public static AgentCli tool() {
        return new AgentCli();
    }

    /** Shortcut: runs {@code args} with the defaults. */
    public static Result run(String... args) throws IOException, InterruptedException {
        return tool().exec(args);
    }

    public AgentCli java(Path launcher) {
        this.java = launcher;
        return this;
    }

    /** Words put before {@code java}, e.g. {@code setpriv --reuid=nobody ...}. */
    public AgentCli prefix(String... words) {
        prefix.addAll(Arrays.asList(words));
        return this;
    }

    public AgentCli jvmArgs(String... args) {
        jvmArgs.addAll(Arrays.asList(args));
        return this;
    }

    public AgentCli env(String name, String value) {
        env.put(name, value);
        return this;
    }

    public AgentCli timeout(Duration limit) {
        this.timeout = limit;
        return this;
    }

    /** What one run printed and returned. */
    public static final class Result {
        public final int exitCode;
        public final List<String> stdout;
        public final List<String> stderr;
        public final long millis;
        private final List<String> command;

        Result(List<String> command, int exitCode, List<String> stdout, List<String> stderr, long millis) {
            this.command = command;
            this.exitCode = exitCode;
            this.stdout = stdout;
            this.stderr = stderr;
            this.millis = millis;
        }

        /** The only stdout line; fails when there is not exactly one. */
        public String line() {
            if (stdout.size() != 1) {
                throw new AssertionError("expected one stdout line: " + this);
            }
            return stdout.get(0);
        }

        @Override
        public String toString() {
            return command + " -> exit " + exitCode + " in " + millis + " ms, stdout " + stdout + ", stderr " + stderr;
        }
    }

    public Result exec(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(prefix);
        command.add(java.toString());
        command.addAll(jvmArgs);
        command.add("-jar");
        command.add(Artifacts.agentJar().toString());
        command.addAll(Arrays.asList(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().keySet().removeIf(k -> k.startsWith("JVMHEALTH_") || k.equals("JAVA_TOOL_OPTIONS")
                || k.equals("JDK_JAVA_OPTIONS") || k.equals("_JAVA_OPTIONS"));
        pb.environment().putAll(env);
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        long start = System.nanoTime();
        Process process = pb.start();
        OutputPump out = OutputPump.start(process.getInputStream(), "agent-cli-stdout");
        OutputPump err = OutputPump.start(process.getErrorStream(), "agent-cli-stderr");
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the tool did not exit within " + timeout.toMillis() + " ms: " + command);
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        return new Result(command, process.exitValue(), out.linesAfterEnd(Duration.ofSeconds(5)), err.linesAfterEnd(Duration.ofSeconds(5)), millis);
    }
}
