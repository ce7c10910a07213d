package io.jvmhealth.agent.it;

import io.jvmhealth.agent.testing.AgentCli;
import io.jvmhealth.agent.testing.Artifacts;
import io.jvmhealth.agent.testing.GateWindow;
import io.jvmhealth.agent.testing.Http;
import io.jvmhealth.agent.testing.Jdks;
import io.jvmhealth.agent.testing.Json;
import io.jvmhealth.agent.testing.Poll;
import io.jvmhealth.agent.testing.TargetJvm;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ready.auto}: real Spring Boot, embedded Jetty and embedded Tomcat applications (sample-target/frameworks),
 * each started with the agent and a start-up delay. Until the application answers on its own port,
 * {@code /started} and {@code /ready} are 503; right after, 200; {@code /live} is 200 throughout.
 * The interval is 5 s, so turning 200 within a second is the gate publishing at once. Also: attach
 * into a running Spring Boot application passes its gate at once.
 */
class FrameworkGatesIT {
    private static final long DELAY_MILLIS = 1500;
    /** Slack for a loaded 2-core machine; the figure is printed (target: 100 ms). */
    private static final long WINDOW_LIMIT_MILLIS = 2000; // still well under the 5 s interval: published at once
    /** Where the gate reads a thread's stack, 4 s apart at most, and the application may serve right after a read. */
    private static final long STACK_READ_LIMIT_MILLIS = 4000 + WINDOW_LIMIT_MILLIS;

    @Test
    void springBootReadyWhenSpringAcceptsTrafficOnJdk17() throws Exception {
        gatesUntilTheApplicationServes(Jdks.current(), "io.jvmhealth.hosts.spring.SpringHost", "app:spring-boot");
    }

    @Test
    void springBootReadyWhenSpringAcceptsTrafficOnJdk25() throws Exception {
        gatesUntilTheApplicationServes(Jdks.requireJava25(), "io.jvmhealth.hosts.spring.SpringHost", "app:spring-boot");
    }

    /**
     * Spring Boot's shutdown hook off: no context in its registry, so nothing of Spring's says it accepts traffic; the
     * gate reads the stack of the thread inside {@code SpringApplication.run} (250 ms to 4 s apart) and passes once it
     * left: never before the application serves, and within a few seconds of it.
     */
    @Test
    void springBootWithoutItsShutdownHookReadyOnceRunWasLeft() throws Exception {
        int appPort = GatesIT.freePort();
        try (TargetJvm host = TargetJvm.builder().java(Jdks.current()).main(Artifacts.gateHostsClassPath(),
                "io.jvmhealth.hosts.spring.SpringHost", String.valueOf(appPort), String.valueOf(DELAY_MILLIS), "no-shutdown-hook")
                .agent("port=0,interval=5s").start()) {
            String url = host.agentUrl(Duration.ofSeconds(30));
            GateWindow.watch(host, url, "app:spring-boot", () -> appAnswers(appPort), Duration.ofSeconds(60))
                    .report("app:spring-boot without its shutdown hook", Jdks.current(), "", STACK_READ_LIMIT_MILLIS);
            Http.Response started = Http.get(url, "/started");
            assertEquals(200, started.status, started.body);
            assertTrue(String.valueOf(Json.at(started.json(), "checks", "app:spring-boot", "details", "decidedBy"))
                    .startsWith("the threads inside SpringApplication.run have left it"), started.body);
        }
    }

    @Test
    void embeddedJettyReadyWhenItsConnectorListens() throws Exception {
        gatesUntilTheApplicationServes(Jdks.current(), "io.jvmhealth.hosts.JettyHost", "app:jetty");
    }

    @Test
    void embeddedTomcatReadyWhenItsConnectorListens() throws Exception {
        gatesUntilTheApplicationServes(Jdks.current(), "io.jvmhealth.hosts.TomcatHost", "app:tomcat");
    }

    /** A stand-in broker (sample-target/frameworks' kafka.Kafka) whose BrokerState gauge has the shape of Kafka's. */
    @Test
    void kafkaBrokerReadyWhenBrokerStateIsRunning() throws Exception {
        gatesUntilTheApplicationServes(Jdks.current(), "kafka.Kafka", "app:kafka-broker");
    }

    /** A fat jar: Spring's classes load through Spring Boot's LaunchedClassLoader, which cannot see the agent's classes. */
    @Test
    void springBootFatJarReadyWhenSpringAcceptsTraffic() throws Exception {
        int appPort = GatesIT.freePort();
        gatesUntilTheApplicationServes(Jdks.current(), appPort, "app:spring-boot", TargetJvm.builder().java(Jdks.current())
                .jar(Artifacts.gateHostsBootJar(), String.valueOf(appPort), String.valueOf(DELAY_MILLIS)));
    }

    /**
     * The advice itself through Spring Boot's class loader: a {@code ready.after} method of a class in the fat jar's
     * BOOT-INF/classes (loaded by LaunchedClassLoader, which cannot see the agent's classes) reports its return.
     */
    @Test
    void aMethodGateInAFatJarReportsThroughSpringBootsClassLoader() throws Exception {
        int appPort = GatesIT.freePort();
        String gate = "after:io.jvmhealth.hosts.spring.SpringHost$Runner.run";
        try (TargetJvm host = TargetJvm.builder().agent("port=0,interval=5s,ready.auto=false,ready.after=io.jvmhealth.hosts.spring.SpringHost$Runner#run")
                .jar(Artifacts.gateHostsBootJar(), String.valueOf(appPort), "0").start()) {
            String url = host.agentUrl(Duration.ofSeconds(30));
            Http.Response r = Poll.until("the gate to pass", Duration.ofSeconds(60), () -> Http.get(url, "/started"), x -> x.status == 200);
            assertEquals("returned normally", Json.at(r.json(), "checks", gate, "details", "decidedBy"), r.body);
            assertTrue(appAnswers(appPort), "the application serves");
            assertTrue(host.stderrLines().stream().noneMatch(l -> l.contains("could not instrument")), host.stderrLines().toString());
        }
    }

    private void gatesUntilTheApplicationServes(Path java, String main, String gate) throws Exception {
        int appPort = GatesIT.freePort();
        gatesUntilTheApplicationServes(java, appPort, gate, TargetJvm.builder().java(java)
                .main(Artifacts.gateHostsClassPath(), main, String.valueOf(appPort), String.valueOf(DELAY_MILLIS)));
    }

    private void gatesUntilTheApplicationServes(Path java, int appPort, String gate, TargetJvm.Builder builder) throws Exception {
        try (TargetJvm host = builder.agent("port=0,interval=5s").start()) {
            String url = host.agentUrl(Duration.ofSeconds(30));
            assertTrue(host.stderrLines().stream().anyMatch(l -> l.contains("ready.auto recognized " + gate.substring(4))),
                    "the start line names the framework: " + host.stderrLines());
            GateWindow.watch(host, url, gate, () -> appAnswers(appPort), Duration.ofSeconds(60))
                    .report(gate, java, "", WINDOW_LIMIT_MILLIS);
        }
    }

    @Test
    void attachIntoARunningSpringBootApplicationPassesItsGateAtOnce() throws Exception {
        int appPort = GatesIT.freePort();
        try (TargetJvm host = TargetJvm.builder()
                .main(Artifacts.gateHostsClassPath(), "io.jvmhealth.hosts.spring.SpringHost", String.valueOf(appPort), "0").start()) {
            Poll.until("the Spring Boot application to serve", Duration.ofSeconds(60), () -> appAnswers(appPort), b -> b);
            long began = System.nanoTime();
            AgentCli.Result attached = AgentCli.run("attach", String.valueOf(host.pid()), "port=0,interval=5s");
            assertEquals(0, attached.exitCode, attached.toString());
            String url = attached.stdout.stream().filter(l -> l.startsWith("http://")).findFirst()
                    .orElseThrow(() -> new AssertionError("no URL printed: " + attached));
            Http.Response started = Poll.until("/started 200 after attach", Duration.ofSeconds(20), () -> Http.get(url, "/started"),
                    x -> x.status == 200);
            System.err.println("MEASURED attach into Spring Boot: /started 200 " + (System.nanoTime() - began) / 1_000_000
                    + " ms after the attach command began");
            assertEquals("healthy", Json.at(started.json(), "checks", "app:spring-boot", "status"), started.body);
            assertEquals("Spring's readiness state ACCEPTING_TRAFFIC (its ApplicationAvailabilityBean)",
                    Json.at(started.json(), "checks", "app:spring-boot", "details", "decidedBy"), started.body);
            assertEquals(200, Http.get(url, "/ready").status);
        }
    }

    /** True when the application answers GET / with 200 on its own port (within 2 s). */
    static boolean appAnswers(int port) {
        return GateWindow.probe(port, Duration.ofSeconds(2)) == GateWindow.Answer.OK;
    }
}
