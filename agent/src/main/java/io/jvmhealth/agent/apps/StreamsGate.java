package io.jvmhealth.agent.apps;

import io.jvmhealth.agent.base.AgentLog;
import io.jvmhealth.agent.gates.NeverLoaded;
import io.jvmhealth.agent.health.CheckResult;
import io.jvmhealth.agent.health.Publisher;
import io.jvmhealth.agent.health.Status;

import java.lang.instrument.Instrumentation;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code app:kafka-streams}: passes once a Kafka Streams client of this JVM is RUNNING and none is still CREATED or
 * REBALANCING for the first time ({@link StreamsClients}: no bytecode, no JMX); then keeps judging readiness: ready
 * while a client is RUNNING or REBALANCING (a rebalance is part of serving, a pod is not taken out of service for
 * it), not ready once none is (closed: PENDING_SHUTDOWN, NOT_RUNNING; failed: PENDING_ERROR, ERROR). Its watch reads
 * the clients' states every {@link #WATCH_MILLIS} (a volatile field read each) and publishes at once when one changed,
 * so that the liveness check ({@link StreamsLiveness}) sees ERROR as soon as this gate does.
 */
final class StreamsGate extends ServingGate {
    private final StreamsClients clients;
    private final Publisher publisher;
    private final Instrumentation instrumentation;
    private final NeverLoaded neverStarted = new NeverLoaded("kafka-streams");
    private boolean passed;
    private String passedBecause;

    StreamsGate(Recognizer recognizer, AppContext context, StreamsClients clients) {
        super(recognizer.gateName());
        this.clients = clients;
        this.publisher = context.publisher();
        this.instrumentation = context.instrumentation();
    }

    @Override
    public boolean stillPassesNow() {
        if (passedBecause != null) {
            return true;
        }
        if (clients.readAll()) {
            publisher.publishNow(); // a state changed: the liveness check is evaluated at once too
        }
        if (serving()) {
            return true;
        }
        clients.discover(); // a client that replaced the stopped one
        clients.readAll();
        return serving();
    }

    @Override
    public boolean passesNow() {
        if (passedBecause != null) {
            return true;
        }
        clients.discover();
        clients.readAll();
        return ready() || clients.problem() != null && clients.clients().isEmpty() || giveUp() != null;
    }

    @Override
    public CheckResult evaluate() {
        Map<String, Object> details = new LinkedHashMap<String, Object>();
        if (passedBecause != null) {
            return decided(passedBecause, details);
        }
        clients.discover();
        clients.readAll();
        List<StreamsClients.Client> all = clients.clients();
        details.put("clients", states(all));
        if (clients.problem() != null) {
            details.put("problem", clients.problem());
        }
        if (!passed && ready() || passed && serving()) {
            passed = true;
            return CheckResult.healthy(details);
        }
        if (passed) {
            return CheckResult.of(Status.UNHEALTHY, "Kafka Streams stopped serving: " + notServing(all), details);
        }
        if (all.isEmpty() && clients.problem() != null) {
            passedBecause = clients.problem() + ": passed rather than hold readiness";
            return decided(passedBecause, details);
        }
        String because = giveUp();
        if (because != null) {
            return decided(because, details);
        }
        String waiting = "waiting for Kafka Streams to be RUNNING: ";
        if (all.isEmpty()) {
            return CheckResult.of(Status.UNHEALTHY, waiting + "no KafkaStreams client has started yet (no stream thread)", details);
        }
        return CheckResult.of(Status.UNHEALTHY, waiting + notServing(all), details);
    }

    /** Before passing: a client RUNNING, and none CREATED or REBALANCING (still starting). */
    private boolean ready() {
        boolean running = false;
        for (StreamsClients.Client c : clients.clients()) {
            if ("RUNNING".equals(c.state)) {
                running = true;
            } else if ("REBALANCING".equals(c.state) || "CREATED".equals(c.state)) {
                return false;
            }
        }
        return running;
    }

    /** Once passed: a client RUNNING or REBALANCING. */
    private boolean serving() {
        for (StreamsClients.Client c : clients.clients()) {
            if ("RUNNING".equals(c.state) || "REBALANCING".equals(c.state)) {
                return true;
            }
        }
        return false;
    }

    private static String notServing(List<StreamsClients.Client> all) {
        StringBuilder b = new StringBuilder();
        for (StreamsClients.Client c : all) {
            if (!"RUNNING".equals(c.state)) {
                b.append(b.length() == 0 ? "" : ", ").append("client '").append(c.id).append("' is ").append(c.state)
                        .append(c.collected() ? " (collected)" : "");
            }
        }
        return b.length() == 0 ? "no client is RUNNING" : b.toString();
    }

    static Map<String, Object> states(List<StreamsClients.Client> all) {
        Map<String, Object> m = new LinkedHashMap<String, Object>();
        for (StreamsClients.Client c : all) {
            m.put(c.id, c.state);
        }
        return m;
    }

    /**
     * Why the gate passes though no client ever started, or null: no stream thread {@link NeverLoaded#WAIT_MILLIS}
     * after the agent started, and {@code KafkaStreams} not even loaded (recognized from the main class, this run
     * starts no Kafka Streams).
     */
    private String giveUp() {
        if (passed || clients.streamThreadsSeen() || !neverStarted.expired() || instrumentation == null
                || !Boolean.FALSE.equals(anyLoadedNow(instrumentation, StreamsClients.KAFKA_STREAMS))) {
            return null;
        }
        passedBecause = neverStarted.givenUp(StreamsClients.KAFKA_STREAMS, new LinkedHashMap<String, Object>());
        return passedBecause;
    }
}
