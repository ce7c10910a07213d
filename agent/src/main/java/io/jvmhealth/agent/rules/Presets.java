package io.jvmhealth.agent.rules;

import io.jvmhealth.agent.health.Role;
import io.jvmhealth.agent.health.Status;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The built-in rule sets, each a readiness check named after the preset. A preset acts only where
 * its MBeans exist: until one matches, it is not listed at all. Why each threshold and duration is
 * what it is: docs/rules.md, "Presets". The attribute names are those the libraries register
 * (verified against HikariCP 5.1, Tomcat 10.1, Jetty 12.1 and kafka-clients 3.9, and by
 * RulesLibrariesIT on real pools and clients).
 */
public final class Presets {
    public static final String HIKARI = "hikari";
    public static final String TOMCAT = "tomcat";
    public static final String JETTY = "jetty";
    public static final String KAFKA_CONSUMER = "kafka-consumer";
    public static final String KAFKA_BROKER = "kafka-broker";

    /** Every preset, in report order. */
    public static final Set<String> NAMES = Collections.unmodifiableSet(new java.util.LinkedHashSet<>(
            Arrays.asList(HIKARI, TOMCAT, JETTY, KAFKA_CONSUMER, KAFKA_BROKER)));

    private Presets() {
    }

    /** The Kafka broker's own state gauge, and its value RUNNING: the {@code kafka-broker} preset and its gate read it. */
    public static final String BROKER_STATE_MBEAN = "kafka.server:type=KafkaServer,name=BrokerState";
    public static final String BROKER_STATE_ATTRIBUTE = "Value";
    public static final int BROKER_RUNNING = 3;

    /** What preset {@code name} decides, known without building it (every preset judges readiness). */
    public static Role role(String name) {
        return Role.READINESS;
    }

    /**
     * The preset named {@code name}, or null. Built on each call, and only once an MBeanServer
     * exists (see {@link PresetCheck}): a host without one loads no JMX class for the presets.
     */
    public static Rule named(String name) {
        Map<String, Rule> r = new LinkedHashMap<>();
        // Threads waiting for a connection: the pool is exhausted. Degraded after 10 s (longer than a burst);
        // never unhealthy: the usual cause is a slow shared database, and failing every pod's readiness at
        // once would turn slowness into an outage.
        r.put(HIKARI, new Rule(HIKARI, Role.READINESS, Status.HEALTHY,
                part("com.zaxxer.hikari:type=Pool (*)", "ThreadsAwaitingConnection", null, "> 0", null, 10_000)));
        // Busy request threads against the maximum: degraded at 90 % for 10 s; unhealthy when every thread
        // has been busy for 60 s (new requests only queue: this pod has stopped serving; out of rotation).
        r.put(TOMCAT, new Rule(TOMCAT, Role.READINESS, Status.HEALTHY,
                part("Tomcat:type=ThreadPool,name=*", "currentThreadsBusy", "maxThreads", ">= 0.9", null, 10_000),
                part("Tomcat:type=ThreadPool,name=*", "currentThreadsBusy", "maxThreads", null, ">= 1", 60_000),
                part("Catalina:type=ThreadPool,name=*", "currentThreadsBusy", "maxThreads", ">= 0.9", null, 10_000),
                part("Catalina:type=ThreadPool,name=*", "currentThreadsBusy", "maxThreads", null, ">= 1", 60_000)));
        // Jetty's own saturation signal (every version since 7): the pool cannot take more work without
        // queueing. Degraded after 10 s, unhealthy after 60 s, as for Tomcat.
        r.put(JETTY, new Rule(JETTY, Role.READINESS, Status.HEALTHY,
                part("org.eclipse.jetty.util.thread:type=queuedthreadpool,*", "lowOnThreads", null, "== true", null, 10_000),
                part("org.eclipse.jetty.util.thread:type=queuedthreadpool,*", "lowOnThreads", null, null, "== true", 60_000)));
        // A consumer whose poll loop stopped: degraded after 60 s without poll(); unhealthy after 300 s,
        // the default max.poll.interval.ms, past which the group has already evicted it (-1: never polled
        // yet). Lag is degraded only (above 10,000 records for 5 minutes): neither a restart nor leaving
        // rotation makes a consumer catch up.
        r.put(KAFKA_CONSUMER, new Rule(KAFKA_CONSUMER, Role.READINESS, Status.HEALTHY,
                part("kafka.consumer:type=consumer-metrics,client-id=*", "last-poll-seconds-ago", null, "> 60", "> 300", 0),
                part("kafka.consumer:type=consumer-fetch-manager-metrics,client-id=*", "records-lag-max", null, "> 10000", null, 300_000)));
        // BrokerState 3 is RUNNING (0 not running, 1 starting, 2 recovering the log, 4 pending controlled
        // shutdown, 6 shutting down, 127 unknown): any other state cannot serve clients.
        r.put(KAFKA_BROKER, new Rule(KAFKA_BROKER, Role.READINESS, Status.HEALTHY,
                part(BROKER_STATE_MBEAN, BROKER_STATE_ATTRIBUTE, null, null, "!= " + BROKER_RUNNING, 0)));
        return r.get(name);
    }

    private static Rule.Part part(String mbean, String attribute, String divide, String degraded, String unhealthy, long forMillis) {
        return Rule.part(mbean, attribute, divide, degraded, unhealthy, forMillis);
    }
}
