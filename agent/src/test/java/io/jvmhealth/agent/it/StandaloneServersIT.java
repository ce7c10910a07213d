package io.jvmhealth.agent.it;

import io.jvmhealth.agent.testing.AgentLines;
import io.jvmhealth.agent.testing.FreePort;
import io.jvmhealth.agent.testing.GateWindow;
import io.jvmhealth.agent.testing.Http;
import io.jvmhealth.agent.testing.Jdks;
import io.jvmhealth.agent.testing.Json;
import io.jvmhealth.agent.testing.OutputPump;
import io.jvmhealth.agent.testing.Poll;
import io.jvmhealth.agent.testing.TargetJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code ready.auto} on the servers' own distributions, started as their scripts start them (not embedded): Tomcat's
 * {@code Bootstrap} from the {@code org.apache.tomcat:tomcat} zip, with a fresh CATALINA_BASE, JULI's
 * {@code ClassLoaderLogManager} and catalina.sh's options; Jetty's {@code start.jar} from {@code jetty-home}, with a
 * fresh JETTY_BASE (modules {@code http}, {@code ee10-deploy}, {@code jmx}). Both are unpacked by the agent's pom into
 * target/servers (paths in {@code tomcat.home}, {@code jetty.home}).
 *
 * <p>Each base deploys one webapp, ROOT, whose {@link io.jvmhealth.agent.it.webapp.SlowStartListener} holds the
 * deployment for {@link #DELAY_MILLIS}. Both servers bind their port before they deploy (Tomcat's connector binds at
 * init, {@code bindOnInit}; Jetty's {@code Server.doStart} opens its connectors first and starts them last), so for
 * that long the port accepts connections and nothing answers: a port gate would pass there, the server's gate must
 * not. Asserted: {@code /started} and {@code /ready} 503 whenever the server does not answer HTTP on its port (and at
 * least one round in which the port accepted a connection but did not answer within {@link #READ_TIMEOUT}), 200 within
 * {@link #WINDOW_LIMIT_MILLIS} after it answers; {@code /live} 200 throughout; the gate healthy at the end, decided by
 * the start method's return, with this server's connector port; the server's own start-up logged as without the agent.
 */
class StandaloneServersIT {
    /**
     * How long the webapp's listener holds the deployment: more than twice a probe's read timeout, so that at least
     * one round reads the agent after an earlier round saw the port listen, and then finds the server still silent.
     */
    private static final long DELAY_MILLIS = 4000;
    /** A probe that connected waits this long for a status line; a serving server answers far sooner. */
    private static final Duration READ_TIMEOUT = Duration.ofMillis(1500);
    /** Slack for a loaded 2-core machine (the interval is 5 s: 200 within this is the gate publishing at once). */
    private static final long WINDOW_LIMIT_MILLIS = 2000;
    private static final String LISTENER_CLASS = "io/jvmhealth/agent/it/webapp/SlowStartListener.class";

    @TempDir
    Path temp;

    @Test
    void standaloneTomcatOnJdk17() throws Exception {
        tomcat(Jdks.current());
    }

    @Test
    void standaloneTomcatOnJdk25() throws Exception {
        tomcat(Jdks.requireJava25());
    }

    @Test
    void jettyDistributionOnJdk17() throws Exception {
        jetty(Jdks.current());
    }

    @Test
    void jettyFromItsDryRunCommandLineOnJdk17() throws Exception {
        jettyFromItsDryRunCommandLine(Jdks.current());
    }

    /** {@code catalina.sh run}, as one java command: its logging options, JAVA_OPTS and class path. */
    private void tomcat(Path java) throws Exception {
        Path home = server("tomcat.home");
        Path base = Files.createDirectories(temp.resolve("catalina-base"));
        copyTree(home.resolve("conf"), base.resolve("conf"));
        for (String dir : new String[] {"logs", "temp", "work", "webapps"}) {
            Files.createDirectories(base.resolve(dir));
        }
        int port = FreePort.find();
        int shutdownPort = FreePort.find();
        Path serverXml = base.resolve("conf/server.xml");
        String xml = new String(Files.readAllBytes(serverXml), StandardCharsets.UTF_8);
        xml = replaceOnce(xml, "<Server port=\"8005\"", "<Server port=\"" + shutdownPort + "\""); // catalina.sh stop's port
        xml = replaceOnce(xml, "<Connector port=\"8080\" protocol=\"HTTP/1.1\"",
                "<Connector port=\"" + port + "\" address=\"127.0.0.1\" protocol=\"HTTP/1.1\"");
        Files.write(serverXml, xml.getBytes(StandardCharsets.UTF_8));
        webapp(base.resolve("webapps/ROOT"), "standalone tomcat");

        TargetJvm.Builder builder = TargetJvm.builder().java(java).directory(base).jvmArgs(
                "-Djava.util.logging.config.file=" + base.resolve("conf/logging.properties"),
                "-Djava.util.logging.manager=org.apache.juli.ClassLoaderLogManager",
                "-Djdk.tls.ephemeralDHKeySize=2048",
                "-Dorg.apache.catalina.security.SecurityListener.UMASK=0027",
                "--add-opens=java.base/java.lang=ALL-UNNAMED",
                "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
                "--add-opens=java.base/java.io=ALL-UNNAMED",
                "--add-opens=java.base/java.util=ALL-UNNAMED",
                "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
                "--add-opens=java.rmi/sun.rmi.transport=ALL-UNNAMED",
                "--enable-native-access=ALL-UNNAMED",
                "-Dstandalone.start.delay.millis=" + DELAY_MILLIS,
                "-Dcatalina.base=" + base,
                "-Dcatalina.home=" + home,
                "-Djava.io.tmpdir=" + base.resolve("temp"))
                .main(home.resolve("bin/bootstrap.jar") + ":" + home.resolve("bin/tomcat-juli.jar"),
                        "org.apache.catalina.startup.Bootstrap", "start");
        try (TargetJvm host = builder.agent("port=0,interval=5s").start()) {
            gatesUntilTheServerServes(host, base, java, port, "app:tomcat", "standalone Tomcat " + home.getFileName());
            // JULI's ClassLoaderLogManager read the base's logging.properties (its numbered handler prefixes and
            // ${catalina.base} are JULI's own): Tomcat logs to its console and its files as without the agent.
            List<String> output = Poll.until("Tomcat's 'Server startup in' on its console", Duration.ofSeconds(10), () -> output(host),
                    lines -> lines.stream().anyMatch(l -> l.contains("org.apache.catalina.startup.Catalina.start Server startup in")));
            Poll.until("'Server startup in' in " + base.resolve("logs") + "/catalina.*.log", Duration.ofSeconds(10),
                    () -> logFiles(base, "catalina\\..*\\.log"), log -> log.contains("Server startup in"));
            assertTrue(output.stream().noneMatch(l -> l.contains("SEVERE")), "no SEVERE line from Tomcat: " + output);
            // The tomcat preset judges standalone Tomcat's own MBean domain (Catalina, the engine's name; embedded: Tomcat).
            presetJudges(host, "tomcat", "Catalina:name=\"http-nio-127.0.0.1-" + port + "\",type=ThreadPool");
            assertEquals(0, agentWarnings(host).size(), "no agent warning: " + agentWarnings(host));
            // catalina.sh stop: a second JVM sends SHUTDOWN to the shutdown port; Tomcat's main thread stops the server
            StopOrder order = StopOrder.watch(host, host.agentUrl(Duration.ofSeconds(1)), port);
            run(base, new String[] {"CATALINA_HOME=" + home, "CATALINA_BASE=" + base, "JAVA_HOME=" + java.getParent().getParent()},
                    "sh", home.resolve("bin/catalina.sh").toString(), "stop"); // sh: the zip's unpacking kept no execute bit
            assertEquals(0, host.awaitExit(Duration.ofSeconds(60)), "Tomcat's JVM ended after catalina.sh stop: " + host);
            order.report("standalone Tomcat, catalina.sh stop", java, true);
        }
    }

    /** {@code cd $JETTY_BASE; java -jar $JETTY_HOME/start.jar}: Jetty runs in start.jar's own JVM. */
    private void jetty(Path java) throws Exception {
        Path home = server("jetty.home");
        Path base = jettyBase(java, home);
        int port = FreePort.find();
        int stopPort = FreePort.find();
        TargetJvm.Builder builder = TargetJvm.builder().java(java).directory(base)
                .jvmArgs("-Dstandalone.start.delay.millis=" + DELAY_MILLIS)
                .jar(home.resolve("start.jar"), "jetty.home=" + home, "jetty.base=" + base,
                        "jetty.http.host=127.0.0.1", "jetty.http.port=" + port, "STOP.PORT=" + stopPort, "STOP.KEY=jvmhealth");
        try (TargetJvm host = builder.agent("port=0,interval=5s").start()) {
            gatesUntilTheServerServes(host, base, java, port, "app:jetty", "Jetty distribution " + home.getFileName());
            // start.jar ran Jetty in its own JVM (no --exec: no second JVM), the one with the agent.
            assertEquals(0, host.process().descendants().count(), "start.jar forked no JVM");
            jettyLogsAndPreset(host);
            // start.jar --stop: a second JVM tells Jetty's ShutdownMonitor, which stops the server (then ends the JVM)
            StopOrder order = StopOrder.watch(host, host.agentUrl(Duration.ofSeconds(1)), port);
            run(base, new String[0], java.toString(), "-jar", home.resolve("start.jar").toString(), "jetty.home=" + home,
                    "jetty.base=" + base, "--stop", "STOP.PORT=" + stopPort, "STOP.KEY=jvmhealth", "STOP.WAIT=30");
            host.awaitExit(Duration.ofSeconds(60));
            order.report("Jetty distribution, start.jar --stop", java, false);
        }
    }

    /**
     * The command line {@code start.jar --dry-run} prints, run as it is (how Jetty's documentation avoids a second JVM,
     * and what the JVM that {@code --exec} forks runs): its main class is {@code org.eclipse.jetty.xml.XmlConfiguration}.
     */
    private void jettyFromItsDryRunCommandLine(Path java) throws Exception {
        Path home = server("jetty.home");
        Path base = jettyBase(java, home);
        int port = FreePort.find();
        List<String> words = Arrays.asList(run(base, java.toString(), "-jar", home.resolve("start.jar").toString(),
                "jetty.home=" + home, "jetty.base=" + base, "--dry-run", "jetty.http.host=127.0.0.1", "jetty.http.port=" + port)
                .trim().split("\\s+"));
        int cp = words.indexOf("--class-path");
        assertTrue(cp > 0 && words.size() > cp + 2, "a java command line with --class-path: " + words);
        assertEquals("org.eclipse.jetty.xml.XmlConfiguration", words.get(cp + 2), String.valueOf(words));
        List<String> jvmArgs = new ArrayList<>(words.subList(1, cp));
        jvmArgs.add("-Dstandalone.start.delay.millis=" + DELAY_MILLIS);
        TargetJvm.Builder builder = TargetJvm.builder().java(java).directory(base).jvmArgs(jvmArgs.toArray(new String[0]))
                .main(words.get(cp + 1), words.get(cp + 2), words.subList(cp + 3, words.size()).toArray(new String[0]));
        try (TargetJvm host = builder.agent("port=0,interval=5s").start()) {
            gatesUntilTheServerServes(host, base, java, port, "app:jetty", "Jetty distribution " + home.getFileName()
                    + " from start.jar --dry-run's command line");
            jettyLogsAndPreset(host);
        }
    }

    /** A fresh JETTY_BASE, prepared by start.jar itself, with the ROOT webapp. */
    private Path jettyBase(Path java, Path home) throws Exception {
        Path base = Files.createDirectories(temp.resolve("jetty-base"));
        run(base, java.toString(), "-jar", home.resolve("start.jar").toString(), "jetty.home=" + home, "jetty.base=" + base,
                "--add-modules=http,ee10-deploy,jmx");
        assertTrue(Files.isRegularFile(base.resolve("start.d/http.ini")), "start.jar prepared the base: " + base);
        webapp(base.resolve("webapps/ROOT"), "jetty distribution");
        return base;
    }

    private static void jettyLogsAndPreset(TargetJvm host) {
        Poll.until("Jetty's 'Started oejs.Server@' on its console", Duration.ofSeconds(10), () -> output(host),
                lines -> lines.stream().anyMatch(l -> l.contains(":oejs.Server:main: Started oejs.Server@")));
        // The jetty preset judges the distribution's thread pool (its MBeans exist with the jmx module).
        presetJudges(host, "jetty", "org.eclipse.jetty.util.thread:context=");
        assertEquals(0, agentWarnings(host).size(), "no agent warning: " + agentWarnings(host));
    }

    /**
     * The shared gate loop (GateWindow) with the server's port as the application: serving once it answers HTTP at
     * all. Then: one round at least saw the port accept and not answer, the gate passed by the start method's return
     * with this server's connector, GET / is the webapp's page after its listener ran.
     */
    private Http.Response gatesUntilTheServerServes(TargetJvm host, Path base, Path java, int port, String gate, String label) throws Exception {
        String url = host.agentUrl(Duration.ofSeconds(30));
        assertTrue(host.stderrLines().stream().anyMatch(l -> l.contains("ready.auto recognized " + gate.substring(4))),
                "the start line names the server: " + host.stderrLines());
        ServerPort server = new ServerPort(port);
        GateWindow.Result result = GateWindow.watch(host, url, gate, server, Duration.ofSeconds(60));
        long listeningBefore = server.firstConnected == 0 ? -1 : (result.appServingNanos - server.firstConnected) / 1_000_000;
        Http.Response started = result.report(label, java, "; the port accepted connections " + listeningBefore
                + " ms before the server answered; " + server.heldWhileListening + " round(s) read /started 503 after the port"
                + " was seen listening and then got no answer within " + READ_TIMEOUT.toMillis() + " ms", WINDOW_LIMIT_MILLIS);
        assertTrue(server.heldWhileListening > 0, "a round that read the agent after the port was seen listening and then"
                + " found the server silent (it binds before it deploys): the gate held /started 503 there, where a port gate passes");
        assertEquals("returned normally", Json.at(started.json(), "checks", gate, "details", "decidedBy"), started.body);
        assertEquals("[" + port + "]", String.valueOf(Json.at(started.json(), "checks", gate, "details", "connectorPorts")), started.body);
        assertEquals(GateWindow.Answer.OK, GateWindow.probe(port, READ_TIMEOUT), "GET / is the webapp's index.html");
        assertEquals(1, AgentLines.startLines(host.stderrLines()), "one agent, one start line");
        Poll.until("the webapp's listener to log its start-up work", Duration.ofSeconds(10),
                () -> logs(host, base), logs -> logs.contains("SlowStartListener: held the deployment"));
        return started;
    }

    /** The preset's check in /health judged an MBean whose name starts with {@code mbean} (polled: the interval is 5 s). */
    private static void presetJudges(TargetJvm host, String preset, String mbean) {
        String url = host.agentUrl(Duration.ofSeconds(1));
        Http.Response health = Poll.until("/health's " + preset + " check to judge " + mbean + "...", Duration.ofSeconds(15),
                () -> Http.get(url, "/health"),
                r -> String.valueOf(Json.at(r.json(), "checks", preset, "details", "mbean")).startsWith(mbean));
        assertEquals("healthy", Json.at(health.json(), "checks", preset, "status"), health.body);
    }

    /** The application's side of each round: the server serves once it answers HTTP at all. */
    private static final class ServerPort implements BooleanSupplier {
        private final int port;
        /** {@link System#nanoTime} when a connection was first accepted (the port listened), 0 until then. */
        long firstConnected;
        /**
         * Rounds that began (and so read the agent) after an earlier round's connection was accepted, and whose own
         * connection was accepted and not answered within {@link #READ_TIMEOUT}: the loop asserted /started 503 in them.
         */
        int heldWhileListening;

        ServerPort(int port) {
            this.port = port;
        }

        @Override
        public boolean getAsBoolean() {
            long began = System.nanoTime();
            boolean listenedBefore = firstConnected != 0;
            GateWindow.Answer a = GateWindow.probe(port, READ_TIMEOUT);
            if (a != GateWindow.Answer.REFUSED && firstConnected == 0) {
                firstConnected = began;
            }
            if (a == GateWindow.Answer.SILENT && listenedBefore) {
                heldWhileListening++;
            }
            return a.answered();
        }
    }

    /**
     * While a server stops: one thread, in a tight loop, tries a connection to the server's port, then asks the agent's
     * {@code /ready}, and records both with the time. "The port closed" is a connection refused. A /ready 200 read after a
     * refused connection would be readiness saying yes to a closed port: asserted never to happen.
     */
    static final class StopOrder {
        private final List<long[]> rounds = new ArrayList<>(); // {nanos, port open 1 / refused 0 / no answer 2, /ready status or -1}
        private final Thread thread;
        private volatile boolean done;
        private final long began = System.nanoTime();

        private StopOrder(TargetJvm host, String url, int port) {
            thread = new Thread(() -> {
                while (!done && host.process().isAlive()) {
                    int open;
                    try (java.net.Socket s = new java.net.Socket()) {
                        s.connect(new java.net.InetSocketAddress("127.0.0.1", port), 1000);
                        open = 1;
                    } catch (java.net.ConnectException e) {
                        open = 0; // refused: the port is closed
                    } catch (IOException e) {
                        open = 2; // no answer within 1 s (a loaded machine, a full backlog): says nothing about the port
                    }
                    int ready;
                    try {
                        ready = Http.get(url, "/ready").status;
                    } catch (IOException e) {
                        ready = -1;
                    }
                    synchronized (rounds) {
                        rounds.add(new long[] {System.nanoTime(), open, ready});
                    }
                }
            }, "stop-order");
            thread.setDaemon(true);
            thread.start();
        }

        static StopOrder watch(TargetJvm host, String url, int port) {
            StopOrder o = new StopOrder(host, url, port);
            Poll.until("the first rounds (port open, /ready 200)", Duration.ofSeconds(10), () -> {
                synchronized (o.rounds) {
                    return o.rounds.size() >= 3 && o.rounds.get(o.rounds.size() - 1)[2] == 200;
                }
            }, b -> b);
            return o;
        }

        /**
         * @param gapExpected the server keeps its port open for a while after its stop began (Tomcat: its connectors
         *                    pause, the socket closes at destroy): at least one round then reads /ready 503 with the port open
         */
        void report(String label, Path java, boolean gapExpected) throws InterruptedException {
            done = true;
            thread.join(5000);
            List<long[]> copy;
            synchronized (rounds) {
                copy = new ArrayList<>(rounds);
            }
            long first503 = -1;
            long firstRefused = -1;
            int openAnd503 = 0;
            int refusedAt = -1;
            for (int i = 0; i < copy.size(); i++) {
                long[] r = copy.get(i);
                if (r[2] == 503 && first503 < 0) {
                    first503 = r[0];
                }
                if (r[1] == 0 && firstRefused < 0) {
                    firstRefused = r[0];
                    refusedAt = i;
                }
                if (r[1] == 1 && r[2] == 503) {
                    openAnd503++;
                }
                if (firstRefused >= 0 && r[2] == 200) {
                    fail(label + ": /ready 200 after the port was seen closed: " + rounds(copy, refusedAt - 5));
                }
            }
            System.out.println("MEASURED " + label + " on " + java + ": " + copy.size() + " rounds; /ready 503 first read "
                    + (first503 < 0 || firstRefused < 0 ? "?" : (firstRefused - first503) / 100_000 / 10.0 + " ms before the port was"
                    + " first seen closed") + "; " + openAnd503 + " round(s) read /ready 503 while the port still accepted connections");
            assertTrue(first503 > 0, label + ": /ready said 503 before the JVM ended: " + rounds(copy));
            // Not in a later round than the port's close: a round (a connect, then GET /ready) takes milliseconds on a loaded
            // machine, as long as Jetty's whole way from doStop's entry to its connectors' close, so the two can fall in one
            // round there (seen while WildFlyIT booted beside it); a quiet run reads several rounds of 503 with the port open.
            assertTrue(firstRefused < 0 || first503 - firstRefused <= 0, label + ": /ready 503 before the port closed: " + rounds(copy));
            if (gapExpected) {
                assertTrue(openAnd503 > 0, label + ": a round read /ready 503 while the port still accepted: " + rounds(copy));
            }
        }

        private String rounds(List<long[]> copy) {
            return rounds(copy, copy.size() - 40);
        }

        /** 40 rounds from the round at {@code start}. */
        private String rounds(List<long[]> copy, int start) {
            start = Math.max(0, start);
            StringBuilder b = new StringBuilder();
            for (long[] r : copy.subList(start, Math.min(copy.size(), start + 40))) {
                b.append((r[0] - began) / 1_000_000).append("ms:").append(r[1] == 1 ? "open" : r[1] == 0 ? "closed" : "no-answer")
                        .append('/').append(r[2]).append(' ');
            }
            return b.toString();
        }
    }

    /** A webapp directory: index.html and a web.xml registering the SlowStartListener, whose class file is copied in. */
    private static void webapp(Path root, String text) throws IOException {
        Path classFile = root.resolve("WEB-INF/classes").resolve(LISTENER_CLASS);
        Files.createDirectories(classFile.getParent());
        try (InputStream in = StandaloneServersIT.class.getClassLoader().getResourceAsStream(LISTENER_CLASS)) {
            assertTrue(in != null, LISTENER_CLASS + " on the test class path");
            Files.copy(in, classFile);
        }
        Files.write(root.resolve("index.html"), ("<p>" + text + "</p>\n").getBytes(StandardCharsets.UTF_8));
        Files.write(root.resolve("WEB-INF/web.xml"), ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<web-app xmlns=\"https://jakarta.ee/xml/ns/jakartaee\" version=\"6.0\" metadata-complete=\"true\">\n"
                + "  <listener><listener-class>io.jvmhealth.agent.it.webapp.SlowStartListener</listener-class></listener>\n"
                + "</web-app>\n").getBytes(StandardCharsets.UTF_8));
    }

    private static Path server(String property) {
        String dir = System.getProperty(property);
        assertTrue(dir != null && Files.isDirectory(Paths.get(dir)),
                "-D" + property + " names the unpacked distribution (agent/pom.xml, execution 'servers'): " + dir);
        return Paths.get(dir);
    }

    private static String replaceOnce(String text, String needle, String replacement) {
        int at = text.indexOf(needle);
        assertTrue(at >= 0 && text.indexOf(needle, at + 1) < 0, "exactly one '" + needle + "' in server.xml");
        return text.substring(0, at) + replacement + text.substring(at + needle.length());
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    /** Runs a command in {@code dir} to its end (60 s at most), asserts exit 0 and returns its stdout. */
    private static String run(Path dir, String... command) throws Exception {
        return run(dir, new String[0], command);
    }

    /** As above, with environment variables {@code NAME=value}. */
    private static String run(Path dir, String[] env, String... command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        for (String e : env) {
            builder.environment().put(e.substring(0, e.indexOf('=')), e.substring(e.indexOf('=') + 1));
        }
        Process p = builder.start();
        OutputPump out = OutputPump.start(p.getInputStream(), "command-stdout-pump");
        OutputPump err = OutputPump.start(p.getErrorStream(), "command-stderr-pump");
        p.getOutputStream().close();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("did not end within 60 s: " + String.join(" ", command) + ": " + out.lines() + err.lines());
        }
        List<String> lines = out.linesAfterEnd(Duration.ofSeconds(5));
        assertEquals(0, p.exitValue(), String.join(" ", command) + ": " + lines + err.linesAfterEnd(Duration.ofSeconds(5)));
        return String.join("\n", lines);
    }

    private static List<String> output(TargetJvm host) {
        List<String> all = new ArrayList<>(host.stdoutLines());
        all.addAll(host.stderrLines());
        return all;
    }

    /** The host's console output, then every file in {@code base}/logs (Tomcat's; Jetty's base has none). */
    private static String logs(TargetJvm host, Path base) {
        return String.join("\n", output(host)) + "\n" + logFiles(base, ".*");
    }

    private static String logFiles(Path base, String nameRegex) {
        Path dir = base.resolve("logs");
        if (!Files.isDirectory(dir)) {
            return "";
        }
        try (Stream<Path> files = Files.list(dir)) {
            StringBuilder b = new StringBuilder();
            for (Path f : files.filter(f -> f.getFileName().toString().matches(nameRegex)).sorted().collect(Collectors.toList())) {
                b.append(new String(Files.readAllBytes(f), StandardCharsets.UTF_8));
            }
            return b.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> agentWarnings(TargetJvm host) {
        return host.stderrLines().stream().filter(l -> l.startsWith("[jvm-health] WARN") || l.startsWith("[jvm-health] ERROR"))
                .collect(Collectors.toList());
    }
}
