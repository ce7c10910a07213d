package kafka.server;

/** Same shape as Kafka's Yammer gauge MBean: one attribute, {@code Value}. */
public interface BrokerStateGaugeMBean {
    Object getValue();
}
