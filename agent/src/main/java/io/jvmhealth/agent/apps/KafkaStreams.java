package io.jvmhealth.agent.apps;

import io.jvmhealth.agent.health.HealthCheck;

import java.util.Arrays;
import java.util.List;

/**
 * A Kafka Streams application (a main class that uses {@code KafkaStreams}, or that class loaded at attach): its gate
 * {@code app:kafka-streams} passes once its client is RUNNING and keeps judging readiness ({@link StreamsGate}); its
 * liveness check {@code app:kafka-streams-state} fails when the client is in ERROR, which only a restart leaves
 * ({@link StreamsLiveness}). Both read the client's state through its stream threads, no bytecode, no JMX.
 */
final class KafkaStreams extends Recognizer {

    @Override
    public List<HealthCheck> plan(AppContext context) {
        StreamsClients clients = new StreamsClients();
        return Arrays.<HealthCheck>asList(new StreamsGate(this, context, clients), new StreamsLiveness(clients));
    }
}
