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
 * {@code SpringApplication}): ready once {@code SpringApplication.run} has returned, the moment Spring
 * publishes {@code ApplicationReadyEvent}; no bytecode (see {@link SpringBootGate}). Its gate covers the
 * embedded Tomcat or Jetty, which Spring starts inside {@code run}.
 */
final class SpringBoot extends Recognizer {
    static final String SPRING_APPLICATION = "org.springframework.boot.SpringApplication";

    SpringBoot() {
        super("spring-boot", Signs.none().mainClassPrefix("org.springframework.boot.loader.")
                .refers(SPRING_APPLICATION).loaded(SPRING_APPLICATION));
    }

    @Override
    public Set<String> covers() {
        return new HashSet<String>(Arrays.asList("tomcat", "jetty"));
    }

    /** Whichever server it embeds: Tomcat (its default), Jetty or Undertow. */
    @Override
    public List<RequestPools> requestPools() {
        return Arrays.<RequestPools>asList(new TomcatPools(), new JettyPools(), new UndertowPools());
    }

    @Override
    public List<HealthCheck> plan(AppContext context) {
        return Collections.<HealthCheck>singletonList(new SpringBootGate(context.instrumentation(), context.attached()));
    }
}
