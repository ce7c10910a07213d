package io.jvmhealth.agent.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** The built jars the integration tests use, as passed by the build (see agent/pom.xml). */
public final class Artifacts {
    private Artifacts() {
    }

    public static Path agentJar() {
        return existing("agent.jar", "target/jvm-health-agent.jar");
    }

    public static Path sampleJar() {
        return existing("sample.jar", "../sample-target/target/sample-target.jar");
    }

    private static Path existing(String property, String fallback) {
        Path path = Paths.get(System.getProperty(property, fallback)).toAbsolutePath().normalize();
        if (!Files.isRegularFile(path)) {
            throw new IllegalStateException(path + " does not exist: build it first (mvn -B -DskipTests package)");
        }
        return path;
    }
}
