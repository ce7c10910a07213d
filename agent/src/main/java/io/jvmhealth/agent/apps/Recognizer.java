package io.jvmhealth.agent.apps;

import io.jvmhealth.agent.health.CheckNames;
import io.jvmhealth.agent.health.HealthCheck;
import io.jvmhealth.agent.health.checks.hang.RequestPools;

import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * One application the agent recognizes with {@code ready.auto}, in one class: from {@link #plan}, its gate
 * {@code app:<name>}: a startup check that passes once the application serves (a method returned, its connectors
 * listening, an MBean value) and whose reason says what it waits for. Adding an application is writing one subclass
 * (with a constructor that takes nothing) and listing it with its {@link Signs} (how it is identified, by class names
 * only) in {@link Recognizers#ALL}, which makes it only once those signs are seen; the planner ({@link Applications})
 * knows no application by name.
 */
public abstract class Recognizer {
    private String name;

    /** By {@link Recognizers.Listed}, once, right after the recognizer is made. */
    final void listedAs(String listedName) {
        this.name = listedName;
    }

    /** The application's short name, as the start line and the gate name say it ({@code tomcat}). */
    public final String name() {
        return name;
    }

    /** {@code app:<name>}. */
    public final String gateName() {
        return CheckNames.frameworkGate(name);
    }

    /**
     * Other recognizers whose application this one's gate already waits for when both are found (Spring Boot
     * starts its embedded Tomcat or Jetty inside {@code SpringApplication.run}): those are dropped.
     */
    public Set<String> covers() {
        return Collections.emptySet();
    }

    /**
     * The request pools this application serves with, for the {@code hang} and {@code request-pool} checks (a server:
     * Tomcat, Jetty, Undertow; a framework that embeds one: all it may embed); none by default. Each is sought while
     * the agent runs and judged once found; an application whose pools are never found adds no check.
     */
    public List<RequestPools> requestPools() {
        return Collections.emptyList();
    }

    /** Plans this application's checks (on the agent's start thread): its gate, and any other check it needs. */
    public abstract List<HealthCheck> plan(AppContext context);
}
