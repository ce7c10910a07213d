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
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Headless Chromium (Debian package {@code chromium}; {@code .ci/run} installs it where missing), for the tests of
 * the page at {@code /}: the DOM after rendering ({@code --dump-dom}) with the browser's console on stderr
 * ({@code --enable-logging=stderr}: a Content-Security-Policy violation is logged there as a {@code CONSOLE}
 * line), and screenshots. Tests that need it skip with a message where it is absent. Each run has its own
 * temporary profile, no network beyond the page, and a deadline.
 */
public final class Chromium {
    private static final long DEADLINE_SECONDS = 90;

    private Chromium() {
    }

    /** What one run printed: stdout (the DOM with {@code --dump-dom}) and stderr (the log, the console). */
    public static final class Result {
        public final int exit;
        public final String stdout;
        public final String stderr;
        public final long millis;

        Result(int exit, String stdout, String stderr, long millis) {
            this.exit = exit;
            this.stdout = stdout;
            this.stderr = stderr;
            this.millis = millis;
        }

        /** The browser console's lines (messages the page caused: violations, errors). */
        public List<String> consoleLines() {
            List<String> lines = new ArrayList<>();
            for (String line : stderr.split("\n")) {
                if (line.contains(":CONSOLE") || line.contains("Content Security Policy") || line.contains("Content-Security-Policy")) {
                    lines.add(line);
                }
            }
            return lines;
        }

        @Override
        public String toString() {
            return "exit " + exit + " in " + millis + " ms; stderr:\n" + stderr;
        }
    }

    /** chromium ({@code /usr/bin/chromium}, or {@code chromium} or {@code chromium-browser} on PATH), or null. */
    public static Path find() {
        List<Path> candidates = new ArrayList<>();
        candidates.add(Paths.get("/usr/bin/chromium"));
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            candidates.add(Paths.get(dir, "chromium"));
            candidates.add(Paths.get(dir, "chromium-browser"));
        }
        for (Path p : candidates) {
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    /** Chromium; skips the calling test, with a message, where there is none. */
    public static Path require() {
        Path chromium = find();
        Assumptions.assumeTrue(chromium != null,
                "SKIPPED: Chromium is not installed (apt-get install -y chromium; .ci/run does it)");
        return chromium;
    }

    /** Loads {@code url} and returns the DOM after rendering (stdout) and the console (stderr). */
    public static Result dumpDom(String url) throws IOException, InterruptedException {
        return run("--enable-logging=stderr", "--v=0", "--dump-dom", url);
    }

    /** Loads {@code url} and writes a screenshot of a window of {@code width} x {@code height} to {@code png}. */
    public static Result screenshot(String url, Path png, int width, int height) throws IOException, InterruptedException {
        Files.createDirectories(png.toAbsolutePath().getParent());
        return run("--enable-logging=stderr", "--v=0", "--screenshot=" + png.toAbsolutePath(), "--window-size=" + width + "," + height,
                "--hide-scrollbars", url);
    }

    private static Result run(String... args) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("chromium-profile");
        Path out = Files.createTempFile("chromium", ".out");
        Path err = Files.createTempFile("chromium", ".err");
        List<String> command = new ArrayList<>(Arrays.asList(require().toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-extensions", "--user-data-dir=" + profile));
        command.addAll(Arrays.asList(args));
        long began = System.nanoTime();
        try {
            Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(DEADLINE_SECONDS, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new AssertionError("chromium did not finish within " + DEADLINE_SECONDS + " s: " + command);
            }
            p.descendants().forEach(ProcessHandle::destroyForcibly); // nothing of it outlives the run
            return new Result(p.exitValue(), new String(Files.readAllBytes(out), StandardCharsets.UTF_8),
                    new String(Files.readAllBytes(err), StandardCharsets.UTF_8), (System.nanoTime() - began) / 1_000_000);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }
}
