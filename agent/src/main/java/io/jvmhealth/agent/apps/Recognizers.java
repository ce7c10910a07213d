package io.jvmhealth.agent.apps;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/** Every application {@code ready.auto} recognizes: the one list a new {@link Recognizer} is added to. */
public final class Recognizers {
    /** In gate order. */
    public static final List<Recognizer> ALL = Collections.unmodifiableList(Arrays.<Recognizer>asList(
            new SpringBoot(), new Tomcat(), new Jetty(), new KafkaBroker(),
            new WildFly(), new Quarkus(),
            new Vertx(), new Netty(), new Grpc(), new Micronaut(), new ZooKeeper(), new KafkaStreams(), new KafkaConnect()));

    private Recognizers() {
    }
}
