package io.jvmhealth.agent.apps;

import io.jvmhealth.agent.health.HealthCheck;
import io.jvmhealth.agent.health.MetricFamily;
import io.jvmhealth.agent.rules.Presets;

import java.util.Collections;
import java.util.List;

/**
 * A Kafka broker ({@code kafka-server-start.sh}: main class {@code kafka.Kafka}; at attach, its broker
 * classes loaded): ready once its own gauge {@code kafka.server:type=KafkaServer,name=BrokerState} reads
 * 3 (RUNNING), the state in which it serves clients (Strimzi's agent uses the same gauge). Stops serving when
 * the gauge leaves 3 (a controlled shutdown: 6 PENDING_CONTROLLED_SHUTDOWN, 7 SHUTTING_DOWN) or goes away,
 * seen within the gate's watch period.
 */
final class KafkaBroker extends Recognizer {
    static final MetricFamily BROKER_STATE = MetricFamily.gauge("jvmhealth_check_broker_state",
            "The Kafka broker's BrokerState (3 is RUNNING).");

    @Override
    public List<HealthCheck> plan(AppContext context) {
        return Collections.<HealthCheck>singletonList(new MBeanStateGate(this, context, Presets.BROKER_STATE_MBEAN,
                Presets.BROKER_STATE_ATTRIBUTE, "!= " + Presets.BROKER_RUNNING,
                "the Kafka broker to be RUNNING (BrokerState " + Presets.BROKER_RUNNING + ")", "the Kafka broker left RUNNING",
                "brokerState", BROKER_STATE));
    }
}
