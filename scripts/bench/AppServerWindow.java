import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

/**
 * The readiness window on WildFly's and Keycloak's own distributions (issue 21), each launched as its users launch it:
 * WildFly with {@code bin/standalone.sh} and the agent in {@code JAVA_OPTS} (after standalone.conf's defaults, which a
 * set JAVA_OPTS replaces: they are repeated, as WildFlyIT does), Keycloak with {@code bin/kc.sh start-dev} and the agent
 * in {@code JAVA_OPTS_APPEND}; the agent with its defaults but {@code host=127.0.0.1,port=P}. Free ports for everything
 * (WildFly: HTTP, HTTPS, management HTTP and HTTPS; Keycloak: HTTP), bound to 127.0.0.1.
 *
 * <p>Per launch, two threads: one asks the server for {@code GET /} on its HTTP port every 1 ms (new connection each; a
 * request WildFly holds while it boots suspended is answered the moment it resumes) until an answer 200-399 arrives,
 * the "first answer"; the other asks the agent for {@code /ready} every 1 ms until 200. Window = /ready 200 - first answer
 * (both arrival times), negative when the agent said ready before the server answered. Also kept: when the server's port
 * first accepted a connection (WildFly's accepts long before it serves, and holds the requests). Then SIGTERM to the whole
 * process tree. One launch before the measured ones is not counted (for Keycloak it re-augments a fresh home for
 * start-dev and creates its dev database, once; later launches reuse both, as a user's second start-dev does).
 *
 * <pre>java AppServerWindow LAUNCHES WORK_DIR AGENT_JAR JAVA_HOME SERVER=HOME...   (SERVER: wildfly or keycloak)</pre>
 * Prints the body of a Markdown section (appservers.sh writes its heading): the summary table, then each launch. Helpers:
 * {@code status} and {@code freePort} are FirstAnswer's, {@code medianOf} is Medians', both compiled beside this file.
 */
public final class AppServerWindow {
    /** standalone.conf's JAVA_OPTS for WildFly 38 when the environment sets none (WildFlyIT's WildFly.DEFAULT_JAVA_OPTS). */
    static final String WILDFLY_DEFAULT_JAVA_OPTS = "-Xms64m -Xmx512m -Djava.net.preferIPv4Stack=true"
            + " -Djboss.modules.system.pkgs=org.jboss.byteman -Djava.awt.headless=true";
    static final long LAUNCH_LIMIT_SECONDS = 300;
    /** The first, uncounted launch: Keycloak's re-augmentation took from 20 s to several minutes on 2 busy cores. */
    static final long WARMUP_LIMIT_SECONDS = 1200;

    /** One launch's times in ms from the launch (0: not seen), and what the agent said at start. */
    static final class Launch {
        long accepted;
        long answered;
        int answerStatus;
        long ready;
        /** When the server's own log says it began serving (WildFly's "WFLYSRV0212: Resuming server", Quarkus' "started in ... Listening on"). */
        long logged = -1;
        boolean recognized;
        String failure;

        long window() {
            return ready - answered;
        }

        long loggedWindow() {
            return ready - logged;
        }
    }

    public static void main(String[] args) throws Exception {
        int launches = Integer.parseInt(args[0]);
        Path work = Paths.get(args[1]);
        String agent = args[2];
        Path javaHome = Paths.get(args[3]);
        StringBuilder summary = new StringBuilder();
        StringBuilder details = new StringBuilder();
        for (int i = 4; i < args.length; i++) {
            String server = args[i].substring(0, args[i].indexOf('='));
            Path home = Paths.get(args[i].substring(server.length() + 1));
            String loadBefore = load();
            log(server + ": one launch not counted, then " + launches);
            Launch warmup = launch(server, home, work, agent, javaHome, WARMUP_LIMIT_SECONDS);
            log(server + " warm-up: " + describe(warmup));
            List<Launch> done = new ArrayList<>();
            for (int n = 1; n <= launches; n++) {
                Launch l = launch(server, home, work, agent, javaHome, LAUNCH_LIMIT_SECONDS);
                log(server + " " + n + "/" + launches + ": " + describe(l));
                done.add(l);
            }
            String loadAfter = load();
            summary.append(summaryRow(server, home, javaHome, done, loadBefore, loadAfter)).append('\n');
            details.append(details(server, done));
        }
        System.out.println("Each server launched as its users launch it, " + launches + " launches each after one not counted: WildFly with"
                + " `bin/standalone.sh` (agent in `JAVA_OPTS` after standalone.conf's defaults), Keycloak with `bin/kc.sh start-dev` (agent"
                + " in `JAVA_OPTS_APPEND`; kc.sh's rebuild-check JVM runs first, with the agent too, on the same port), the agent with its"
                + " defaults but `host=127.0.0.1,port=<free>`. Two threads per launch: one asks the server for `GET /` every 1 ms until an"
                + " answer 200-399 arrives (WildFly holds requests while it boots suspended and answers them the moment it resumes), the"
                + " other asks the agent for `/ready` every 1 ms until 200. Window = /ready 200 minus the server's first answer (arrival"
                + " times), negative when the agent said ready before the server answered. Target (issue 21): 0 <= window <= 100 ms."
                + " A server's first answer arrives only after its first request ran (cold: class loading, JIT), so beside it the"
                + " window is also given against the server's own account of when it began serving, the time stamp (ms) of its log"
                + " line: WildFly's `WFLYSRV0212: Resuming server` (server.log), Quarkus' `started in ... Listening on` (Keycloak's"
                + " console), against the wall clock of the agent's /ready 200.");
        System.out.println();
        System.out.println("| server | JDK | launches | window median (ms) | min | max | /ready 200 before the server answered"
                + " | /ready 200 after the server's log line, median (min to max) ms | /ready 200 before that line"
                + " | time to first answer, median (min-max) ms | load average before -> after |");
        System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        System.out.print(summary);
        System.out.println();
        System.out.print(details);
    }

    static String summaryRow(String server, Path home, Path javaHome, List<Launch> launches, String before, String after) {
        List<Launch> ok = launches.stream().filter(l -> l.failure == null).collect(Collectors.toList());
        String name = (server.equals("wildfly") ? "WildFly " : "Keycloak ") + home.getFileName().toString().replaceFirst("^[a-z]+-", "")
                .replaceFirst("-dev$", "");
        String jdk = javaVersion(javaHome);
        if (ok.isEmpty()) {
            return "| " + name + " | " + jdk + " | 0 of " + launches.size() + " (all failed: see below) | - | - | - | - | - | - | - | " + before + " -> " + after + " |";
        }
        List<Long> windows = ok.stream().map(Launch::window).sorted().collect(Collectors.toList());
        List<Long> firsts = ok.stream().map(l -> l.answered).sorted().collect(Collectors.toList());
        List<Long> logged = ok.stream().filter(l -> l.logged >= 0).map(Launch::loggedWindow).sorted().collect(Collectors.toList());
        long early = ok.stream().filter(l -> l.window() < 0).count();
        long earlyLogged = ok.stream().filter(l -> l.logged >= 0 && l.loggedWindow() < 0).count();
        return "| " + name + " | " + jdk + " | " + ok.size() + (ok.size() < launches.size() ? " (of " + launches.size() + ")" : "") + " | "
                + median(windows) + " | " + windows.get(0) + " | " + windows.get(windows.size() - 1) + " | " + early + " | "
                + (logged.isEmpty() ? "- | -" : median(logged) + " (" + logged.get(0) + " to " + logged.get(logged.size() - 1) + ") | " + earlyLogged)
                + " | " + median(firsts) + " (" + firsts.get(0) + "-" + firsts.get(firsts.size() - 1) + ") | " + before + " -> " + after + " |";
    }

    static String details(String server, List<Launch> launches) {
        StringBuilder b = new StringBuilder();
        b.append("<details><summary>").append(server).append(": each launch (ms from the launch)</summary>\n\n");
        b.append("| launch | port first accepted | server's log line | first answer (status) | /ready 200 | window | after the log line | ready.auto recognized |\n");
        b.append("| --- | --- | --- | --- | --- | --- | --- | --- |\n");
        int n = 0;
        for (Launch l : launches) {
            n++;
            if (l.failure != null) {
                b.append("| ").append(n).append(" | failed: ").append(l.failure).append(" | | | | | | |\n");
                continue;
            }
            b.append("| ").append(n).append(" | ").append(l.accepted).append(" | ").append(l.logged < 0 ? "-" : String.valueOf(l.logged))
                    .append(" | ").append(l.answered).append(" (").append(l.answerStatus).append(") | ").append(l.ready).append(" | ")
                    .append(l.window()).append(" | ").append(l.logged < 0 ? "-" : String.valueOf(l.loggedWindow())).append(" | ")
                    .append(l.recognized ? "yes" : "NO").append(" |\n");
        }
        b.append("\n</details>\n\n");
        return b.toString();
    }

    /** One launch, until the server's first answer and the agent's /ready 200 (or the limit), then SIGTERM to its tree. */
    static Launch launch(String server, Path home, Path work, String agent, Path javaHome, long limitSeconds) throws Exception {
        int http = FirstAnswer.freePort();
        int agentPort = otherFreePort(http);
        String agentOption = "-javaagent:" + agent + "=host=127.0.0.1,port=" + agentPort;
        List<String> command = new ArrayList<>();
        ProcessBuilder pb = new ProcessBuilder(command);
        Map<String, String> env = pb.environment();
        env.remove("JAVA_TOOL_OPTIONS");
        env.remove("JAVA_OPTS");
        env.remove("JAVA_OPTS_APPEND");
        env.put("JAVA_HOME", javaHome.toString());
        if (server.equals("wildfly")) {
            Path base = work.resolve("wildfly-base");
            if (!Files.isDirectory(base.resolve("configuration"))) {
                copyTree(home.resolve("standalone/configuration"), base.resolve("configuration"));
                Files.createDirectories(base.resolve("deployments"));
            }
            Files.deleteIfExists(base.resolve("log/server.log"));
            int https = otherFreePort(http, agentPort);
            int management = otherFreePort(http, agentPort, https);
            int managementHttps = otherFreePort(http, agentPort, https, management);
            env.put("JAVA_OPTS", WILDFLY_DEFAULT_JAVA_OPTS + " " + agentOption);
            env.put("JBOSS_BASE_DIR", base.toString());
            command.addAll(List.of(home.resolve("bin/standalone.sh").toString(), "-b", "127.0.0.1", "-bmanagement", "127.0.0.1",
                    "-Djboss.http.port=" + http, "-Djboss.https.port=" + https, "-Djboss.management.http.port=" + management,
                    "-Djboss.management.https.port=" + managementHttps));
        } else if (server.equals("keycloak")) {
            env.put("JAVA_OPTS_APPEND", agentOption);
            command.addAll(List.of(home.resolve("bin/kc.sh").toString(), "start-dev", "--http-port=" + http, "--http-host=127.0.0.1"));
        } else {
            throw new IllegalArgumentException("server: wildfly or keycloak, not " + server);
        }
        Path output = work.resolve(server + "-last-launch.log");
        pb.redirectErrorStream(true).redirectOutput(output.toFile()).directory(home.toFile());
        Launch l = new Launch();
        long startWall = System.currentTimeMillis();
        long start = System.nanoTime();
        long deadline = start + TimeUnit.SECONDS.toNanos(limitSeconds);
        Process p = pb.start();
        long[] answered = new long[3]; // arrival, status, first accepted connection
        long[] ready = new long[1];
        Thread serverAsker = new Thread(() -> {
            long[] connected = new long[1];
            while (System.nanoTime() < deadline && p.isAlive()) {
                connected[0] = 0;
                int status = FirstAnswer.status(http, "/", (int) limitSeconds * 1000, connected);
                if (connected[0] != 0 && answered[2] == 0) {
                    answered[2] = connected[0];
                }
                if (status >= 200 && status < 400) {
                    answered[0] = System.nanoTime();
                    answered[1] = status;
                    return;
                }
                LockSupport.parkNanos(1_000_000);
            }
        }, "server");
        Thread agentAsker = new Thread(() -> {
            while (System.nanoTime() < deadline && p.isAlive()) {
                if (FirstAnswer.status(agentPort, "/ready", 10_000, null) == 200) {
                    ready[0] = System.nanoTime();
                    return;
                }
                LockSupport.parkNanos(1_000_000);
            }
        }, "agent");
        serverAsker.start();
        agentAsker.start();
        serverAsker.join();
        agentAsker.join();
        stop(p);
        String out = Files.exists(output) ? new String(Files.readAllBytes(output), StandardCharsets.UTF_8) : "";
        l.recognized = out.contains("ready.auto recognized " + (server.equals("wildfly") ? "wildfly" : "quarkus"));
        if (answered[0] == 0 || ready[0] == 0) {
            l.failure = (answered[0] == 0 ? "no answer from the server" : "no /ready 200") + " within " + limitSeconds + " s"
                    + (!p.isAlive() && p.exitValue() != 143 && p.exitValue() != 0 ? " (exit " + p.exitValue() + ")" : "") + "; see " + output;
            return l;
        }
        l.answered = (answered[0] - start) / 1_000_000;
        l.answerStatus = (int) answered[1];
        l.accepted = (answered[2] - start) / 1_000_000;
        l.ready = (ready[0] - start) / 1_000_000;
        String logLine = server.equals("wildfly") ? lastLine(work.resolve("wildfly-base/log/server.log"), "WFLYSRV0212: Resuming server")
                : lastLine(output, "Listening on: http");
        if (logLine != null) {
            l.logged = logTime(logLine) - startWall;
        }
        return l;
    }

    /** SIGTERM to the script and every process under it (standalone.sh runs its JVM as a child, kc.sh exec's it), then waits. */
    static void stop(Process p) throws InterruptedException {
        List<ProcessHandle> tree = p.descendants().collect(Collectors.toList());
        for (ProcessHandle h : tree) {
            h.destroy();
        }
        p.destroy();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (ProcessHandle h : tree) {
            while (h.isAlive() && System.nanoTime() < deadline) {
                LockSupport.parkNanos(10_000_000);
            }
            if (h.isAlive()) {
                h.destroyForcibly();
            }
        }
        if (!p.waitFor(Math.max(1, (deadline - System.nanoTime()) / 1_000_000), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** The last line of {@code file} containing {@code marker} (null when none). */
    static String lastLine(Path file, String marker) throws IOException {
        String found = null;
        if (Files.exists(file)) {
            for (String line : new String(Files.readAllBytes(file), StandardCharsets.UTF_8).split("\n")) {
                if (line.contains(marker)) {
                    found = line;
                }
            }
        }
        return found;
    }

    /** A log line's leading time stamp, {@code yyyy-MM-dd HH:mm:ss,SSS} in local time, as epoch ms. */
    static long logTime(String line) {
        int at = line.indexOf("20");
        java.time.LocalDateTime t = java.time.LocalDateTime.parse(line.substring(at, at + 23),
                java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss,SSS"));
        return t.atZone(java.time.ZoneId.systemDefault()).toInstant().toEpochMilli();
    }

    static String describe(Launch l) {
        return l.failure != null ? "FAILED " + l.failure
                : "port accepted " + l.accepted + " ms, first answer " + l.answered + " ms (" + l.answerStatus + "), /ready 200 " + l.ready
                + " ms, window " + l.window() + " ms, server's log line " + l.logged + " ms (/ready 200 " + l.loggedWindow() + " ms after it)"
                + (l.recognized ? "" : ", NOT recognized");
    }

    static int otherFreePort(int... taken) throws IOException {
        while (true) {
            int port = FirstAnswer.freePort();
            boolean free = true;
            for (int t : taken) {
                free &= t != port;
            }
            if (free) {
                return port;
            }
        }
    }

    static long median(List<Long> sorted) {
        List<Double> values = new ArrayList<>();
        for (long v : sorted) {
            values.add((double) v);
        }
        return Math.round(Medians.medianOf(values));
    }

    static String javaVersion(Path javaHome) {
        try {
            for (String line : Files.readAllLines(javaHome.resolve("release"))) {
                if (line.startsWith("JAVA_VERSION=")) {
                    return line.substring("JAVA_VERSION=".length()).replace("\"", "");
                }
            }
        } catch (IOException e) {
            // no release file
        }
        return javaHome.toString();
    }

    static String load() {
        try {
            String[] f = new String(Files.readAllBytes(Paths.get("/proc/loadavg")), StandardCharsets.US_ASCII).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "?";
        }
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (java.util.stream.Stream<Path> paths = Files.walk(from)) {
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

    static void log(String line) {
        System.err.printf(Locale.ROOT, "[appservers %tT] %s%n", System.currentTimeMillis(), line);
    }
}
