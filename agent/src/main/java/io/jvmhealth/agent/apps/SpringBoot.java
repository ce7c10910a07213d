package io.jvmhealth.agent.apps;

import io.jvmhealth.agent.health.HealthCheck;
import io.jvmhealth.agent.health.checks.hang.RequestPools;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A Spring Boot application (launched by Spring Boot's loader, or a main class that calls
 * {@code SpringApplication}): ready once the outermost call of {@code SpringApplication.run} has
 * returned normally, the moment after Spring published {@code ApplicationReadyEvent} (its last step
 * before returning). A method gate: the advice reports the return, so nothing reads the starting
 * thread's stack (on JDK 17 each such read stopped every application thread at a safepoint:
 * docs/performance.md). Its gate covers the embedded Tomcat, Jetty or Reactor Netty server and a gRPC server started by a
 * Spring starter, which Spring starts inside {@code run}. At JVM start, a class loaded with no thread entering {@code run} for 60 s means this run
 * does not start Spring (a main class that only touches it): the gate then stops waiting. Once passed,
 * {@link SpringBootGate} watches Spring's application contexts: {@code /ready} 503 once they are closed.
 */
final class SpringBoot extends Recognizer {
    static final String SPRING_APPLICATION = "org.springframework.boot.SpringApplication";
    static final String RUN = "run";

    @Override
    public Set<String> covers() {
        return new HashSet<String>(Arrays.asList("tomcat", "jetty", "netty", "grpc"));
    }

    /** Whichever server it embeds: Tomcat (its default), Jetty or Undertow. */
    @Override
    public List<RequestPools> requestPools() {
        return Arrays.<RequestPools>asList(new TomcatPools(), new JettyPools(), new UndertowPools());
    }

    @Override
    public List<HealthCheck> plan(AppContext context) {
        HealthCheck start = context.methodGate(this, SPRING_APPLICATION, RUN,
                "SpringApplication.run to return (Spring's ApplicationReadyEvent)", null, true, true, null);
        return Collections.<HealthCheck>singletonList(new SpringBootGate(start, context.instrumentation()));
    }
}
