package io.jvmhealth.hosts.graceful;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * A Spring Boot web application (embedded Tomcat, no Actuator, no agent code) with
 * {@code server.shutdown=graceful}: on SIGTERM Spring's shutdown hook closes the context, the web server stops
 * taking new connections and waits for the requests in flight (up to Spring's 30 s), then the JVM exits 143.
 * Argument: {@code PORT}.
 *
 * <p>{@code GET /} answers {@code ok}; {@code GET /slow?ms=4000} answers {@code slow ok} after that long.
 * stdout, for the tests: {@code serving PORT} once ready; {@code availability ReadinessState REFUSING_TRAFFIC NANOS}
 * (and every other availability change: what Actuator's readiness endpoint would report, without Actuator),
 * {@code context closed NANOS} and {@code slow begins NANOS} when a slow request is taken (NANOS: System.nanoTime, comparable with the test's on Linux).
 * Then stdin: {@code close} closes the application context while the JVM lives on (see {@link io.jvmhealth.hosts.Stdin}).
 */
@SpringBootApplication
public class GracefulHost {

    public static void main(String[] args) throws java.io.IOException {
        SpringApplication app = new SpringApplication(GracefulHost.class);
        app.setBannerMode(org.springframework.boot.Banner.Mode.OFF);
        app.setLogStartupInfo(false);
        org.springframework.context.ConfigurableApplicationContext context = app.run("--server.port=" + args[0],
                "--server.shutdown=graceful", "--logging.level.root=WARN", "--spring.jmx.enabled=false");
        io.jvmhealth.hosts.Stdin.commands(java.util.Map.of("close", context::close));
    }

    @RestController
    public static class Endpoints {
        @GetMapping("/")
        public String hello() {
            return "ok";
        }

        @GetMapping("/slow")
        public String slow(@RequestParam("ms") long millis) throws InterruptedException {
            say("slow begins " + System.nanoTime());
            Thread.sleep(millis);
            return "slow ok";
        }
    }

    @Component
    public static class Events {
        @EventListener
        public void ready(ApplicationReadyEvent event) {
            say("serving " + event.getApplicationContext().getEnvironment().getProperty("local.server.port"));
        }

        @EventListener
        public void availability(AvailabilityChangeEvent<?> event) {
            say("availability " + event.getState().getClass().getSimpleName() + " " + event.getState() + " " + System.nanoTime());
        }

        @EventListener
        public void closed(ContextClosedEvent event) {
            say("context closed " + System.nanoTime());
        }
    }

    private static void say(String line) {
        synchronized (System.out) {
            System.out.println(line);
            System.out.flush();
        }
    }
}
