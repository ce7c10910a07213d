package io.jvmhealth.agent.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds the JDKs the integration tests run targets on: the one running the tests (JDK 17 here) and
 * a JDK 25, looked for in {@code $JAVA25_HOME} and then under {@code /usr/lib/jvm}.
 */
public final class Jdks {
    private static volatile Optional<Path> java25;

    private Jdks() {
    }

    /** The {@code java} launcher of the JDK running the tests. */
    public static Path current() {
        return Paths.get(System.getProperty("java.home"), "bin", "java");
    }

    /** The {@code java} launcher of a JDK 25, if one is installed. */
    public static Optional<Path> java25() {
        Optional<Path> found = java25;
        if (found == null) {
            found = find(25);
            java25 = found;
        }
        return found;
    }

    /** Returns JDK 25's launcher, or skips the calling test with a message saying why. */
    public static Path requireJava25() {
        Optional<Path> found = java25();
        if (!found.isPresent()) {
            String message = "SKIPPED: no JDK 25 found (set JAVA25_HOME or install one under /usr/lib/jvm); JDK 25 cases not run";
            System.err.println(message);
            Assumptions.assumeTrue(false, message);
        }
        return found.get();
    }

    static Optional<Path> find(int feature) {
        List<Path> candidates = new ArrayList<>();
        String env = System.getenv("JAVA" + feature + "_HOME");
        if (env != null) {
            candidates.add(Paths.get(env));
        }
        Path jvmDir = Paths.get("/usr/lib/jvm");
        if (Files.isDirectory(jvmDir)) {
            try (DirectoryStream<Path> dirs = Files.newDirectoryStream(jvmDir)) {
                for (Path d : dirs) {
                    candidates.add(d);
                }
            } catch (IOException ignored) {
                // no candidates from there
            }
        }
        for (Path home : candidates) {
            Path release = home.resolve("release");
            Path java = home.resolve("bin").resolve("java");
            if (!Files.isRegularFile(release) || !Files.isExecutable(java)) {
                continue;
            }
            try {
                for (String line : Files.readAllLines(release, StandardCharsets.UTF_8)) {
                    if (line.startsWith("JAVA_VERSION=\"" + feature + ".") || line.equals("JAVA_VERSION=\"" + feature + "\"")) {
                        return Optional.of(java);
                    }
                }
            } catch (IOException ignored) {
                // not readable: not a candidate
            }
        }
        return Optional.empty();
    }
}
