package io.jvmhealth.agent.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Prometheus' own checker, {@code promtool} (Debian package {@code prometheus}; {@code .ci/run} installs
 * it where missing), run on files for the tests of {@code scripts/k8s/}. Tests that need it skip with a
 * message where it is not on PATH.
 */
public final class Promtool {
    private Promtool() {
    }

    /** What one run printed (stdout and stderr together) and its exit code. */
    public static final class Result {
        public final int exit;
        public final String output;

        Result(int exit, String output) {
            this.exit = exit;
            this.output = output;
        }

        @Override
        public String toString() {
            return "exit " + exit + ":\n" + output;
        }
    }

    /** promtool from PATH, or null. */
    public static Path find() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Paths.get(dir, "promtool");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    /** promtool from PATH; skips the calling test, with a message, where there is none. */
    public static Path require() {
        Path promtool = find();
        Assumptions.assumeTrue(promtool != null,
                "SKIPPED: promtool is not on PATH (apt-get install -y prometheus; .ci/run does it)");
        return promtool;
    }

    /** Runs {@code promtool args...} in {@code dir} (relative file names resolve there), within 60 s. */
    public static Result run(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(require().toString());
        command.addAll(Arrays.asList(args));
        Path output = Files.createTempFile("promtool", ".out");
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("promtool " + args[0] + " did not finish within 60 s");
            }
            return new Result(p.exitValue(), new String(Files.readAllBytes(output), StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(output);
        }
    }
}
