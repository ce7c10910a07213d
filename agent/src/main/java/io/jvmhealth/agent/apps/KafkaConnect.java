package io.jvmhealth.agent.apps;

import io.jvmhealth.agent.health.HealthCheck;

import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * A Kafka Connect worker ({@code connect-distributed.sh} / {@code connect-standalone.sh}: main classes
 * {@code ConnectDistributed}, {@code ConnectStandalone}; a main class that starts a worker; at attach,
 * {@code Connect} loaded): ready once its REST API serves ({@link ConnectGate}). Its REST server is Jetty, whose gate
 * this one covers: Jetty listens and answers 404 well before Connect serves.
 */
final class KafkaConnect extends Recognizer {

    @Override
    public Set<String> covers() {
        return Collections.singleton("jetty");
    }

    @Override
    public List<HealthCheck> plan(AppContext context) {
        return Collections.<HealthCheck>singletonList(new ConnectGate(this, context));
    }
}
