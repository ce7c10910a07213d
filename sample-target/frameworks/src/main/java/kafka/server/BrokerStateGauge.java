package kafka.server;

/** The BrokerState gauge's value (see {@link kafka.Kafka}). */
public final class BrokerStateGauge implements BrokerStateGaugeMBean {
    private volatile int value;

    public void set(int state) {
        value = state;
    }

    @Override
    public Object getValue() {
        return value;
    }
}
