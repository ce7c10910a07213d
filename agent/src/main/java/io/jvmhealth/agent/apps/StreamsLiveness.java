package io.jvmhealth.agent.apps;

import io.jvmhealth.agent.health.CheckNames;
import io.jvmhealth.agent.health.CheckResult;
import io.jvmhealth.agent.health.HealthCheck;
import io.jvmhealth.agent.health.Role;
import io.jvmhealth.agent.health.Status;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code app:kafka-streams-state}, a liveness check: unhealthy when a Kafka Streams client of this JVM has failed
 * (state ERROR: its stream threads died, for example on an exception its uncaught-exception handler answered with
 * SHUTDOWN_CLIENT; from ERROR a client can only be closed, so only a new client, which a restart makes, processes
 * again) and no client of this JVM is CREATED, REBALANCING or RUNNING.
 *
 * <p>What it will not mistake for a failure: a rebalance (REBALANCING is live); a client being closed or closed by
 * the application (PENDING_SHUTDOWN, NOT_RUNNING: readiness says that, not liveness); PENDING_ERROR, the half
 * second before ERROR; an application that replaces its failed client in the same JVM (the new client is found
 * through its stream threads as soon as its {@code start()} ran, and it is live); one failed client beside a
 * running one (reported in the details, not failed: it is indistinguishable from a replacement). A client that was
 * seen failing stays failed when it is closed afterwards (ERROR, then NOT_RUNNING): it processes nothing either way.
 * The name carries the {@code app:} prefix so that it can never clash with a rule's name.
 */
final class StreamsLiveness implements HealthCheck {
    static final String NAME = CheckNames.frameworkGate("kafka-streams-state");

    private final StreamsClients clients;

    StreamsLiveness(StreamsClients clients) {
        this.clients = clients;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Role role() {
        return Role.LIVENESS;
    }

    @Override
    public CheckResult evaluate() {
        clients.discover();
        clients.readAll();
        List<StreamsClients.Client> all = clients.clients();
        Map<String, Object> details = new LinkedHashMap<String, Object>();
        details.put("clients", StreamsGate.states(all));
        details.put("source", "KafkaStreams.state() of the clients found through their stream threads");
        if (clients.problem() != null) {
            details.put("problem", clients.problem());
        }
        StreamsClients.Client failed = null;
        for (StreamsClients.Client c : all) {
            if (StreamsClients.live(c.state)) {
                return CheckResult.healthy(details);
            }
            if (failed == null && c.deadByFailure()) {
                failed = c;
            }
        }
        if (failed == null) {
            return CheckResult.healthy(details);
        }
        return CheckResult.of(Status.UNHEALTHY, "Kafka Streams client '" + failed.id + "' is in state " + failed.state
                + (failed.collected() ? " (collected)" : "") + " after a failure (its stream threads died) and no client of this JVM"
                + " runs: only a restart leaves ERROR", details);
    }
}
