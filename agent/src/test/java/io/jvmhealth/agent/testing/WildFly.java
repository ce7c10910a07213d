package io.jvmhealth.agent.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * WildFly's own distribution (unpacked by agent/pom.xml into target/servers, path in {@code wildfly.home}), started
 * as its users start it: {@code bin/standalone.sh} with {@code JAVA_OPTS} in the environment, on a fresh
 * {@code JBOSS_BASE_DIR} (a copy of {@code standalone/configuration}) whose {@code deployments} holds {@code slow.war}
 * ({@link #slowWar}): the deployment scanner deploys it during boot, so the server's boot, and its
 * {@code WFLYSRV0025 ... started}, waits for it. Bound to 127.0.0.1 on four free ports (HTTP, HTTPS, management
 * HTTP and HTTPS; a default standalone.xml listens on the first three only).
 *
 * <p>Setting {@code JAVA_OPTS} replaces standalone.conf's defaults (the script says "JAVA_OPTS already set in
 * environment; overriding default settings"), so {@link #DEFAULT_JAVA_OPTS} repeats them; options given to
 * {@link Builder#javaOpts} (the agent's {@code -javaagent:...}) come after. standalone.sh evaluates JAVA_OPTS with
 * {@code eval}: a {@code ;} or unquoted space in an option breaks the command (a {@code ;} ended the first
 * command line here with exit 127).
 */
public final class WildFly {
    /** standalone.conf's JAVA_OPTS for WildFly 38 when the environment sets none. */
    public static final String DEFAULT_JAVA_OPTS = "-Xms64m -Xmx512m -Djava.net.preferIPv4Stack=true"
            + " -Djboss.modules.system.pkgs=org.jboss.byteman -Djava.awt.headless=true";
    /**
     * The server JVM's command line contains this module name ({@code -jar jboss-modules.jar -mp modules
     * org.jboss.as.standalone ...}); the script's {@code java -version} probes do not, nor does jboss-cli.sh's JVM,
     * which runs jboss-modules.jar too (module {@code org.jboss.as.cli}).
     */
    public static final String JVM_MARKER = "org.jboss.as.standalone";
    /** The context root of {@link #slowWar} and the path of its one servlet ({@code OkServlet}, 200 "ok"). */
    public static final String OK_PATH = "/slow/ok";

    private static final String WEBAPP_PACKAGE = "io/jvmhealth/agent/it/webapp/";
    /** The management user every base gets ({@link Started#manage}), in ManagementRealm. */
    public static final String MANAGEMENT_USER = "jvmhealth";
    static final String MANAGEMENT_PASSWORD = "jvmhealth-test-1";

    private WildFly() {
    }

    /** The unpacked distribution, from {@code -Dwildfly.home} (failsafe sets it). */
    public static Path home() {
        return distribution("wildfly.home");
    }

    public static Builder builder() {
        return new Builder();
    }

    /** What to start: the JDK, extra JAVA_OPTS and the deployment's start-up delay. */
    public static final class Builder {
        private Path java = Jdks.current();
        private final List<String> javaOpts = new ArrayList<>();
        private long startDelayMillis = 3000;

        /** The {@code java} launcher whose JDK becomes JAVA_HOME. */
        public Builder java(Path launcher) {
            this.java = launcher;
            return this;
        }

        /** Options appended to {@link #DEFAULT_JAVA_OPTS} (each one word: no spaces, no shell metacharacters). */
        public Builder javaOpts(String... options) {
            javaOpts.addAll(Arrays.asList(options));
            return this;
        }

        /** How long slow.war's SlowStartListener holds the deployment (and so the boot). */
        public Builder startDelayMillis(long millis) {
            this.startDelayMillis = millis;
            return this;
        }

        /** Prepares a base directory under {@code temp} and runs standalone.sh. */
        public Started start(Path temp) throws IOException {
            Path home = home();
            Path base = Files.createDirectories(temp.resolve("wildfly-base"));
            copyTree(home.resolve("standalone/configuration"), base.resolve("configuration"));
            addManagementUser(base.resolve("configuration/mgmt-users.properties"));
            slowWar(Files.createDirectories(base.resolve("deployments")).resolve("slow.war"));
            int http = FreePort.find();
            int https = otherFreePort(http);
            int management = otherFreePort(http, https);
            int managementHttps = otherFreePort(http, https, management);
            StringBuilder opts = new StringBuilder(DEFAULT_JAVA_OPTS).append(" -Dstandalone.start.delay.millis=").append(startDelayMillis);
            for (String o : javaOpts) {
                opts.append(' ').append(o);
            }
            Map<String, String> env = new LinkedHashMap<>();
            env.put("JAVA_HOME", java.getParent().getParent().toString());
            env.put("JAVA_OPTS", opts.toString());
            env.put("JBOSS_BASE_DIR", base.toString());
            List<String> command = Arrays.asList(home.resolve("bin/standalone.sh").toString(),
                    "-b", "127.0.0.1", "-bmanagement", "127.0.0.1",
                    "-Djboss.http.port=" + http, "-Djboss.https.port=" + https,
                    "-Djboss.management.http.port=" + management, "-Djboss.management.https.port=" + managementHttps);
            return new Started(ScriptedServer.start(command, env, base), base, http, management);
        }
    }

    /** A started WildFly: its process tree, base directory and ports. */
    public static final class Started implements AutoCloseable {
        public final ScriptedServer server;
        public final Path base;
        public final int httpPort;
        public final int managementPort;

        Started(ScriptedServer server, Path base, int httpPort, int managementPort) {
            this.server = server;
            this.base = base;
            this.httpPort = httpPort;
            this.managementPort = managementPort;
        }

        /** The server JVM (not standalone.sh, not its {@code java -version} probes), once it runs. */
        public ProcessHandle jvm(Duration timeout) {
            return Poll.until("WildFly's server JVM (" + JVM_MARKER + ") in the tree of " + server, timeout,
                    () -> server.jvm(JVM_MARKER).orElse(null), p -> p != null);
        }

        /** {@code GET /slow/ok}: what the deployment's servlet answers, or how the attempt failed. */
        public GateWindow.Answer probe(Duration readTimeout) {
            return GateWindow.probe(httpPort, OK_PATH, readTimeout);
        }

        /**
         * One operation of WildFly's HTTP management API ({@code POST /management}, JSON, digest authentication as
         * {@link #MANAGEMENT_USER}), such as {@code {"operation":"suspend"}}: the answer's status and body. Far cheaper
         * than jboss-cli.sh, whose JVM takes 10-20 s to start on a loaded machine.
         */
        public Http.Response manage(String operationJson) throws IOException {
            java.net.HttpURLConnection c = (java.net.HttpURLConnection) new java.net.URL("http://127.0.0.1:" + managementPort + "/management")
                    .openConnection();
            c.setAuthenticator(new java.net.Authenticator() {
                @Override
                protected java.net.PasswordAuthentication getPasswordAuthentication() {
                    return new java.net.PasswordAuthentication(MANAGEMENT_USER, MANAGEMENT_PASSWORD.toCharArray());
                }
            });
            c.setRequestMethod("POST");
            c.setDoOutput(true);
            c.setConnectTimeout(5000);
            c.setReadTimeout(60_000);
            c.setRequestProperty("Content-Type", "application/json");
            try (OutputStream out = c.getOutputStream()) {
                out.write(operationJson.getBytes(StandardCharsets.UTF_8));
            }
            int status = c.getResponseCode();
            InputStream body = status < 400 ? c.getInputStream() : c.getErrorStream();
            String text = body == null ? "" : new String(body.readAllBytes(), StandardCharsets.UTF_8);
            return new Http.Response(status, java.util.Collections.emptyMap(), text);
        }

        /** server.log of the base directory (WildFly's own log file; the console shows the same). */
        public String serverLog() throws IOException {
            Path log = base.resolve("log/server.log");
            return Files.isRegularFile(log) ? new String(Files.readAllBytes(log), StandardCharsets.UTF_8) : "";
        }

        @Override
        public void close() {
            server.close();
        }
    }

    /**
     * Writes the test deployment: WEB-INF/web.xml registering {@code SlowStartListener} (holds the deployment for
     * {@code -Dstandalone.start.delay.millis}) and {@code OkServlet} at {@code /ok}, with their class files from the
     * test class path. Named slow.war, its context root is {@code /slow}.
     */
    public static Path slowWar(Path war) throws IOException {
        String webXml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<web-app xmlns=\"https://jakarta.ee/xml/ns/jakartaee\" version=\"6.0\" metadata-complete=\"true\">\n"
                + "  <listener><listener-class>io.jvmhealth.agent.it.webapp.SlowStartListener</listener-class></listener>\n"
                + "  <servlet><servlet-name>ok</servlet-name><servlet-class>io.jvmhealth.agent.it.webapp.OkServlet</servlet-class></servlet>\n"
                + "  <servlet-mapping><servlet-name>ok</servlet-name><url-pattern>/ok</url-pattern></servlet-mapping>\n"
                + "</web-app>\n";
        try (OutputStream file = Files.newOutputStream(war); ZipOutputStream zip = new ZipOutputStream(file)) {
            zip.putNextEntry(new ZipEntry("WEB-INF/web.xml"));
            zip.write(webXml.getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
            for (String name : new String[] {"SlowStartListener.class", "OkServlet.class"}) {
                String resource = WEBAPP_PACKAGE + name;
                try (InputStream in = WildFly.class.getClassLoader().getResourceAsStream(resource)) {
                    if (in == null) {
                        throw new IllegalStateException(resource + " is not on the test class path");
                    }
                    zip.putNextEntry(new ZipEntry("WEB-INF/classes/" + resource));
                    in.transferTo(zip);
                    zip.closeEntry();
                }
            }
        }
        return war;
    }

    /**
     * What {@code add-user.sh} writes for a management user (without its JVM start): {@code name=HEX(MD5(name:realm:password))},
     * the realm's digest that WildFly's default {@code ManagementRealm} reads from mgmt-users.properties.
     */
    static void addManagementUser(Path usersFile) throws IOException {
        try {
            byte[] md5 = java.security.MessageDigest.getInstance("MD5").digest((MANAGEMENT_USER + ":ManagementRealm:" + MANAGEMENT_PASSWORD)
                    .getBytes(StandardCharsets.UTF_8));
            StringBuilder hex = new StringBuilder();
            for (byte b : md5) {
                hex.append(String.format("%02x", b));
            }
            Files.write(usersFile, ("\n" + MANAGEMENT_USER + "=" + hex + "\n").getBytes(StandardCharsets.UTF_8),
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static Path distribution(String property) {
        String dir = System.getProperty(property);
        if (dir == null || !Files.isDirectory(Paths.get(dir))) {
            throw new IllegalStateException("-D" + property + " names no unpacked distribution (agent/pom.xml, execution"
                    + " 'servers', in pre-integration-test): " + dir);
        }
        return Paths.get(dir);
    }

    static int otherFreePort(int... taken) {
        while (true) {
            int port = FreePort.find();
            if (Arrays.stream(taken).noneMatch(t -> t == port)) {
                return port;
            }
        }
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }
}
