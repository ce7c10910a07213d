package io.jvmhealth.agent.apps;

import io.jvmhealth.agent.gates.NeverLoaded;
import io.jvmhealth.agent.health.HealthCheck;
import io.jvmhealth.agent.health.checks.hang.RequestPools;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A Spring Boot application (launched by Spring Boot's loader, or a main class that calls
 * {@code SpringApplication}): ready once Spring says it accepts traffic, which it does as the last step of
 * {@code SpringApplication.run}, right after {@code ApplicationReadyEvent}; not ready once its contexts close or its
 * readiness changes. Read from Spring's own objects, with no bytecode ({@link SpringBootGate}); all the agent adds to the
 * host's start is a name compare per loading class until {@code SpringApplication} loads ({@link ClassNotice}). Its gate
 * covers the embedded Tomcat, Jetty or Reactor Netty server and a gRPC server started by a Spring starter, which Spring
 * starts inside {@code run}.
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
        SpringContexts contexts = new SpringContexts(ClassNotice.watch(context.instrumentation(), SPRING_APPLICATION));
        return Collections.<HealthCheck>singletonList(new SpringBootGate(gateName(), contexts, NeverLoaded.orNotStarted(name()),
                context.attached()));
    }
}
