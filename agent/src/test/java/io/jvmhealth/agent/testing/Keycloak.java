package io.jvmhealth.agent.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keycloak's own distribution (Quarkus; unpacked by agent/pom.xml into target/servers, path in {@code keycloak.home}),
 * started as its users start it: {@code bin/kc.sh start-dev} with {@code JAVA_OPTS_APPEND} in the environment, on one
 * free HTTP port bound to 127.0.0.1, with its dev database (H2 files under the home's data/).
 *
 * <p>kc.sh starts two JVMs, one after the other, with the same main class and arguments
 * ({@code io.quarkus.bootstrap.runner.QuarkusEntryPoint start-dev ...}): first a "rebuild check" JVM (Keycloak sets
 * {@code kc.config.rebuild-check=true} in it), which re-augments the Quarkus application when the build options
 * changed (the distribution is built for {@code start}: the first {@code start-dev} re-augments) and always exits with
 * code 10; kc.sh then {@code exec}s the server JVM, with {@code -Dkc.config.built=true} first on its command line,
 * in the script's own pid. {@code start --optimized} skips the first JVM.
 *
 * <p>start-dev writes into the home (lib/quarkus and lib/app when it re-augments; data/ with the H2 database), so each
 * start runs in a fresh home under the test's temporary directory: a copy of everything but lib/lib (150 MB of jars,
 * read only), which is linked, taken from a home already built for start-dev ({@link #devBuilt}) whose dev database
 * already exists (the schema and the master realm: each start then skips their creation).
 */
public final class Keycloak {
    /** The server JVM's command line contains this; the rebuild-check JVM's does not. */
    public static final String SERVER_JVM_MARKER = "-Dkc.config.built=true";
    /** Both JVMs' main class. */
    public static final String MAIN_CLASS = "io.quarkus.bootstrap.runner.QuarkusEntryPoint";
    /** Answers 200 once Keycloak serves (the master realm's public description). */
    public static final String READY_PATH = "/realms/master";

    private Keycloak() {
    }

    /** The unpacked distribution, from {@code -Dkeycloak.home} (failsafe sets it). */
    public static Path home() {
        return WildFly.distribution("keycloak.home");
    }

    public static Builder builder() {
        return new Builder();
    }

    /** What to start: the JDK and JAVA_OPTS_APPEND. */
    public static final class Builder {
        private Path java = Jdks.current();
        private final List<String> append = new ArrayList<>();

        /** The {@code java} launcher whose JDK becomes JAVA_HOME. */
        public Builder java(Path launcher) {
            this.java = launcher;
            return this;
        }

        /** Options for JAVA_OPTS_APPEND (each one word: kc.sh splits it on spaces). */
        public Builder javaOptsAppend(String... options) {
            append.addAll(Arrays.asList(options));
            return this;
        }

        /** Prepares a home under {@code temp} and runs {@code kc.sh start-dev}. */
        public Started start(Path temp) throws IOException {
            Path home = freshHome(temp.resolve("keycloak-home"));
            int http = FreePort.find();
            Map<String, String> env = new LinkedHashMap<>();
            env.put("JAVA_HOME", java.getParent().getParent().toString());
            if (!append.isEmpty()) {
                env.put("JAVA_OPTS_APPEND", String.join(" ", append));
            }
            List<String> command = Arrays.asList(home.resolve("bin/kc.sh").toString(), "start-dev",
                    "--http-port=" + http, "--http-host=127.0.0.1");
            return new Started(ScriptedServer.start(command, env, home), home, http);
        }
    }

    /** A started Keycloak: its process tree, home and HTTP port. */
    public static final class Started implements AutoCloseable {
        public final ScriptedServer server;
        public final Path home;
        public final int httpPort;

        Started(ScriptedServer server, Path home, int httpPort) {
            this.server = server;
            this.home = home;
            this.httpPort = httpPort;
        }

        /** The server JVM (the one kc.sh exec'd after the rebuild check), once it runs. */
        public ProcessHandle serverJvm(Duration timeout) {
            return Poll.until("Keycloak's server JVM (" + SERVER_JVM_MARKER + ") in the tree of " + server, timeout,
                    () -> server.jvm(SERVER_JVM_MARKER).orElse(null), p -> p != null);
        }

        /** {@code GET /realms/master}: what Keycloak answers, or how the attempt failed. */
        public GateWindow.Answer probe(Duration readTimeout) {
            return GateWindow.probe(httpPort, READY_PATH, readTimeout);
        }

        @Override
        public void close() {
            server.close();
        }
    }

    /**
     * A copy of the distribution in {@code dir} whose lib/lib links to the original's (never written), with lib/quarkus
     * and lib/app from {@link #devBuilt}: its rebuild-check JVM finds nothing to re-augment.
     */
    static Path freshHome(Path dir) throws IOException {
        Path template = devBuilt();
        copyHome(template, dir, true);
        return dir;
    }

    /**
     * A home whose Quarkus application is built for start-dev and whose dev database exists: the distribution is built
     * for {@code start}, and the first {@code start-dev} of a home re-augments it (the "Updating the configuration" step,
     * 20 s to several minutes on 2 busy cores); a fresh database costs each start its schema migration and the master
     * realm's creation (Keycloak's server JVM served 151 s after its start here at load 14 with a fresh one, 28 s with
     * this one). Made once, by one {@code kc.sh start-dev} run until Keycloak answers, then stopped by SIGTERM (H2 closed
     * cleanly), in target/servers next to the distribution, and kept there for later builds (marker files
     * {@code .dev-built}, {@code .dev-data}: a home built before the database was kept gets only the database); a file
     * lock keeps two test JVMs from making it at once.
     */
    static Path devBuilt() throws IOException {
        Path original = home();
        Path template = original.resolveSibling(original.getFileName() + "-dev");
        Path built = template.resolve(".dev-built");
        Path data = template.resolve(".dev-data");
        synchronized (Keycloak.class) {
            try (java.nio.channels.FileChannel lock = java.nio.channels.FileChannel.open(original.resolveSibling(".keycloak-dev.lock"),
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
                 java.nio.channels.FileLock held = lock.lock()) {
                if (Files.isRegularFile(built) && Files.isRegularFile(data)) {
                    return template;
                }
                if (!Files.isRegularFile(built)) {
                    deleteTree(template);
                    copyHome(original, template, false);
                }
                firstStart(template);
                Files.write(built, new byte[0]);
                Files.write(data, new byte[0]);
                return template;
            }
        }
    }

    /** {@code kc.sh start-dev} in {@code template} (re-augmenting if needed, then creating data/h2) until Keycloak answers, then SIGTERM. */
    private static void firstStart(Path template) throws IOException {
        deleteTree(template.resolve("data"));
        int port = FreePort.find();
        List<String> command = Arrays.asList(template.resolve("bin/kc.sh").toString(), "start-dev",
                "--http-port=" + port, "--http-host=127.0.0.1");
        Map<String, String> env = new LinkedHashMap<>();
        env.put("JAVA_HOME", Jdks.current().getParent().getParent().toString());
        try (ScriptedServer run = ScriptedServer.start(command, env, template)) {
            Poll.until("Keycloak in " + template + " to re-augment, create its database and answer", Duration.ofMinutes(20), () -> {
                if (!run.script().isAlive()) {
                    throw new AssertionError("kc.sh exited before Keycloak answered: " + run);
                }
                return GateWindow.probe(port, READY_PATH, Duration.ofSeconds(30));
            }, a -> a == GateWindow.Answer.OK);
            ProcessHandle jvm = run.jvm(SERVER_JVM_MARKER).orElseThrow(() -> new AssertionError("no server JVM: " + run));
            jvm.destroy();
            try {
                run.awaitExit(Duration.ofMinutes(2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }
        if (!Files.isDirectory(template.resolve("data/h2"))) {
            throw new IllegalStateException("no data/h2 in " + template + " after Keycloak's first start");
        }
    }

    /** Copies {@code from} to {@code to} (its data/ only if {@code withData}), except lib/lib, which is linked to the distribution's. */
    private static void copyHome(Path from, Path to, boolean withData) throws IOException {
        Files.createDirectories(to.resolve("lib"));
        try (java.util.stream.Stream<Path> top = Files.list(from)) {
            for (Path p : (Iterable<Path>) top::iterator) {
                String name = p.getFileName().toString();
                if (!name.equals("lib") && (withData || !name.equals("data")) && !name.startsWith(".dev-")) {
                    WildFly.copyTree(p, to.resolve(name));
                }
            }
        }
        try (java.util.stream.Stream<Path> lib = Files.list(from.resolve("lib"))) {
            for (Path p : (Iterable<Path>) lib::iterator) {
                Path target = to.resolve("lib").resolve(p.getFileName().toString());
                if (p.getFileName().toString().equals("lib")) {
                    Files.createSymbolicLink(target, home().resolve("lib/lib"));
                } else {
                    WildFly.copyTree(p, target);
                }
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (java.util.stream.Stream<Path> paths = Files.walk(dir)) { // does not follow the lib/lib link
            List<Path> all = new ArrayList<>();
            paths.forEach(all::add);
            for (int i = all.size() - 1; i >= 0; i--) {
                Files.delete(all.get(i));
            }
        }
    }
}
