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

    /** The Spring host as a Spring Boot fat jar (its classes load through Spring Boot's class loader). */
    public static Path gateHostsBootJar() {
        return existing("gate.hosts.boot.jar", "../sample-target/frameworks/target/gate-hosts-boot.jar");
    }

    /** The class path of the framework hosts (sample-target/frameworks: Spring Boot, Jetty, Tomcat). */
    public static String gateHostsClassPath() {
        Path jar = existing("gate.hosts.jar", "../sample-target/frameworks/target/gate-hosts.jar");
        Path deps = existing("gate.hosts.classpath", "../sample-target/frameworks/target/classpath.txt");
        try {
            return jar + java.io.File.pathSeparator + Files.readString(deps).trim();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot read " + deps, e);
        }
    }

    /**
     * The class path of the application hosts (sample-target/apps: Vert.x, Netty, gRPC, Micronaut, ZooKeeper, Kafka Streams,
     * Kafka Connect, and Apache Kafka's own broker with main {@code kafka.Kafka}).
     */
    public static String appHostsClassPath() {
        Path jar = existing("app.hosts.jar", "../sample-target/apps/target/app-hosts.jar");
        Path deps = existing("app.hosts.classpath", "../sample-target/apps/target/classpath.txt");
        try {
            return jar + java.io.File.pathSeparator + Files.readString(deps).trim();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot read " + deps, e);
        }
    }

    private static Path existing(String property, String fallback) {
        Path path = Paths.get(System.getProperty(property, fallback)).toAbsolutePath().normalize();
        if (!Files.isRegularFile(path)) {
            throw new IllegalStateException(path + " does not exist: build it first (mvn -B -DskipTests package)");
        }
        return path;
    }
}
