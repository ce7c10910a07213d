package io.jvmhealth.agent.it;

import io.jvmhealth.agent.testing.Artifacts;
import io.jvmhealth.agent.testing.FreePort;
import io.jvmhealth.agent.testing.Http;
import io.jvmhealth.agent.testing.Jdks;
import io.jvmhealth.agent.testing.Poll;
import io.jvmhealth.agent.testing.ReadyPoller;
import io.jvmhealth.agent.testing.TargetJvm;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Applications that stop serving while their JVM lives on (issue 20, item 2): embedded Tomcat and Jetty stopped by
 * the application, the Kafka broker stand-in leaving RUNNING, a {@code ready.port} port closed. Hosts of
 * sample-target/frameworks, told on stdin; each prints {@code stop begins NANOS} just before it stops. A thread polls
 * {@code /ready} in a tight loop; the interval is 5 s, so a 503 well within it is the gate's own watch (or, for Tomcat
 * and Jetty, the advice at their stop method's entry). {@code /started} and {@code /live} stay 200, the JVM runs on.
 * Tomcat and Jetty are then started again: /ready 200 again. Spring Boot's context closed while the JVM lives is in
 * ShutdownIT (one class for the Spring Boot starts).
 * Whole class: 34 to 50 s at a load average of 15 to 25 on two cores.
 */
class AppStopsIT {
    /**
     * Sanity bound of a loaded two-core machine (half the 5 s interval: a 503 within it is the watch, not an evaluation
     * at the interval); the figure is printed (target: 100 ms). Under a load average of 15 a 503 was once seen 1065 ms late.
     */
    static final long LIMIT_MILLIS = 2500;
    static final long RESTART_LIMIT_MILLIS = 4500;

    @Test
    void embeddedTomcatStoppedByTheApplication() throws Exception {
        stops("io.jvmhealth.hosts.TomcatHost", "app:tomcat", "Tomcat's service ", "stop", null);
    }

    @Test
    void embeddedJettyStoppedByTheApplication() throws Exception {
        stops("io.jvmhealth.hosts.JettyHost", "app:jetty", "Jetty's server ", "stop", null);
    }

    /**
     * Attached into a Tomcat that already serves: no instance was seen returning from startInternal, so the gate watches
     * what it can (the details say so): the advice at stopInternal's entry (the class was retransformed with it).
     */
    @Test
    void embeddedTomcatStoppedAfterAnAttach() throws Exception {
        int appPort = FreePort.find();
        try (TargetJvm host = TargetJvm.builder().main(Artifacts.gateHostsClassPath(), "io.jvmhealth.hosts.TomcatHost",
                String.valueOf(appPort), "0").start()) {
            Poll.until("Tomcat to serve", Duration.ofSeconds(60),
                    () -> io.jvmhealth.agent.testing.GateWindow.probe(appPort, Duration.ofSeconds(2)).answered(), b -> b);
            io.jvmhealth.agent.testing.AgentCli.Result attached = io.jvmhealth.agent.testing.AgentCli.run("attach",
                    String.valueOf(host.pid()), "port=0,interval=5s");
            assertEquals(0, attached.exitCode, attached.toString());
            String url = attached.stdout.stream().filter(l -> l.startsWith("http://")).findFirst()
                    .orElseThrow(() -> new AssertionError("no URL printed: " + attached));
            Http.Response ready = Poll.until("/ready 200 after the attach", Duration.ofSeconds(30), () -> Http.get(url, "/ready"),
                    r -> r.status == 200);
            assertTrue(ready.body.contains("only by stopInternal's entry"), ready.body);
            host.send("stop");
            Poll.until("'stop done'", Duration.ofSeconds(30), host::stdoutLines, l -> l.contains("stop done"));
            java.util.Map<String, Object> transition = readyTransition(url);
            assertTrue(String.valueOf(transition.get("reason")).contains("Tomcat's service is stopping (state STOPPING_PREP)"),
                    "published at stopInternal's entry: " + transition);
            assertEquals(503, Http.get(url, "/ready").status);
            assertEquals(200, Http.get(url, "/started").status);
        }
    }

    @Test
    void kafkaBrokerLeavingRunning() throws Exception {
        stops("kafka.Kafka", "app:kafka-broker", "the Kafka broker left RUNNING: ", "stop", null);
    }

    @Test
    void aReadyPortThatCloses() throws Exception {
        int port = FreePort.find();
        stops("io.jvmhealth.hosts.shutdown.ShutdownHost", "port:" + port, "this JVM does not listen on port " + port, "close",
                port, "listen", String.valueOf(port));
    }

    private void stops(String main, String gate, String reason, String command, Integer readyPort, String... hostArgs) throws Exception {
        int appPort = FreePort.find();
        // Started 1.5 s after the JVM, as FrameworkGatesIT's: a server class loaded and started before the agent's class watch
        // is registered waits for its start method's next return at launch (see MethodGate).
        String[] args = hostArgs.length > 0 ? hostArgs : new String[] {String.valueOf(appPort), "1500"};
        String options = "port=0,interval=5s" + (readyPort == null ? "" : ",ready.auto=false,ready.port=" + readyPort);
        try (TargetJvm host = TargetJvm.builder().agent(options).main(Artifacts.gateHostsClassPath(), main, args).start()) {
            String url = host.agentUrl(Duration.ofSeconds(30));
            Poll.until("/ready 200 (" + gate + " passed)", Duration.ofSeconds(60), () -> Http.get(url, "/ready").status, s -> s == 200);
            try (ReadyPoller ready = ReadyPoller.start(url, "/ready")) {
                Poll.until("the poller's first answers", Duration.ofSeconds(10), ready::count, n -> n >= 5);
                host.send(command);
                List<String> begins = Poll.until("'" + command + " begins' from the host", Duration.ofSeconds(10), host::stdoutLines,
                        l -> l.stream().anyMatch(x -> x.startsWith(command + " begins ")));
                long began = nanosOf(begins, command + " begins ");
                long beganMillis = Long.parseLong(begins.stream().filter(x -> x.startsWith(command + " begins ")).findFirst().get().split(" ")[3]);
                ReadyPoller.Answer first = ready.await(503, began, Duration.ofSeconds(10));
                long millis = (first.nanos - began) / 1_000_000;
                Poll.until("'" + command + " done'", Duration.ofSeconds(30), host::stdoutLines, l -> l.contains(command + " done"));
                String verbose = Http.get(url, "/ready?verbose").body;
                java.util.Map<String, Object> transition = readyTransition(url);
                long published = (Long) transition.get("epochMillis") - beganMillis;
                System.out.println("[AppStopsIT] " + gate + ": '" + command + "' -> /ready 503 published " + published + " ms later"
                        + " (/health/history: " + transition.get("reason") + "), seen by the poller " + (first.nanos - began) / 10_000 / 100.0 + " ms later ("
                        + ready.count() + " polls); " + verbose.replace('\n', '|'));
                assertTrue(millis < LIMIT_MILLIS, gate + ": /ready 503 " + millis + " ms after the stop (interval 5 s)");
                assertTrue(verbose.contains("[-]" + gate + " failed: " + reason), verbose);
                assertEquals(200, Http.get(url, "/started").status, "/started stays 200");
                assertEquals(200, Http.get(url, "/live").status, "/live stays 200");
                long after = first.nanos;
                for (ReadyPoller.Answer a : ready.answers()) {
                    assertTrue(a.nanos - after <= 0 || a.status == 503, "no /ready 200 once it said 503: " + a);
                }
                assertTrue(host.process().isAlive(), "the JVM lives on");
            }
            String history = Http.get(url, "/health/history").body;
            assertTrue(history.contains("\"check\":\"/ready\"") && history.contains(reason), history);
            if (main.endsWith("TomcatHost") || main.endsWith("JettyHost")) {
                startsAgain(host, url, gate, appPort);
            }
        }
    }

    /** Started again in the same JVM (Tomcat, Jetty): /ready 200 again, the watch seeing the server serve. */
    private static void startsAgain(TargetJvm host, String url, String gate, int appPort) throws Exception {
        host.send("start");
        List<String> out = Poll.until("'start done'", Duration.ofSeconds(30), host::stdoutLines, l -> l.contains("start done"));
        long began = nanosOf(out, "start begins ");
        long done = System.nanoTime(); // the server's start returned by now (a loaded machine takes seconds for Jetty's)
        Poll.until("/ready 200 again", Duration.ofSeconds(10), () -> Http.get(url, "/ready").status, s -> s == 200);
        long millis = (System.nanoTime() - done) / 1_000_000;
        System.out.println("[AppStopsIT] " + gate + " started again: /ready 200 polled " + millis + " ms after 'start done' was read, "
                + (System.nanoTime() - began) / 1_000_000 + " ms after 'start begins'");
        // The stop's bound (LIMIT_MILLIS) is the watch's; serving again is the watch's too (about 0.1 s alone), but beside the
        // suite's connection floods the evaluation it asks for took up to 3 s: bounded below the interval here.
        assertTrue(millis < RESTART_LIMIT_MILLIS, gate + ": /ready 200 again " + millis + " ms after the start returned (interval 5 s)");
        // it answers HTTP again (embedded Tomcat restarted answers its servlet's path with 404: the host's, not the agent's)
        assertTrue(io.jvmhealth.agent.testing.GateWindow.probe(appPort, Duration.ofSeconds(5)).answered(), "the server answers again");
    }

    /** When /ready last turned from 200 to 503, by /health/history (epoch milliseconds). */
    static long readyTurned503(String url) throws java.io.IOException {
        return Long.parseLong(String.valueOf(readyTransition(url).get("epochMillis")));
    }

    /** The last /ready 200 -> 503 transition of /health/history, with its time as "epochMillis". */
    static java.util.Map<String, Object> readyTransition(String url) throws java.io.IOException {
        Object transitions = Http.get(url, "/health/history").json().get("transitions");
        java.util.Map<String, Object> last = null;
        for (Object t : (List<?>) transitions) {
            java.util.Map<?, ?> m = (java.util.Map<?, ?>) t;
            if ("/ready".equals(m.get("check")) && "200".equals(m.get("from")) && "503".equals(m.get("to"))) {
                last = new java.util.LinkedHashMap<>();
                for (java.util.Map.Entry<?, ?> e : m.entrySet()) {
                    last.put(String.valueOf(e.getKey()), e.getValue());
                }
                last.put("epochMillis", java.time.Instant.parse(String.valueOf(m.get("time"))).toEpochMilli());
            }
        }
        assertTrue(last != null, "a /ready 200 -> 503 transition in /health/history");
        return last;
    }

    static long nanosOf(List<String> lines, String prefix) {
        for (String line : lines) {
            if (line.startsWith(prefix)) {
                String rest = line.substring(prefix.length()).trim();
                int space = rest.indexOf(' ');
                return Long.parseLong(space < 0 ? rest : rest.substring(0, space));
            }
        }
        throw new AssertionError("no line '" + prefix + "NANOS' in " + lines);
    }
}
