package io.jvmhealth.agent.gates;

import io.jvmhealth.agent.health.CheckNames;
import io.jvmhealth.agent.health.CheckResult;
import io.jvmhealth.agent.health.HealthCheck;
import io.jvmhealth.agent.health.Role;
import io.jvmhealth.agent.health.Status;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.lang.management.ManagementFactory;
import java.security.ProtectionDomain;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code app:kafka-broker}: passes once the broker's own gauge
 * {@code kafka.server:type=KafkaServer,name=BrokerState} reads {@code Value == 3} (RUNNING), the
 * state Kafka enters when the broker serves (Strimzi's agent uses the same gauge).
 *
 * <p>The platform MBeanServer is touched only once a class of Kafka's broker ({@code kafka.server.*})
 * has been seen loading (a name-only transformer, removed once it saw one) or was loaded at
 * attach: creating the MBeanServer earlier would initialize java.util.logging before a host that
 * installs its own LogManager has done so. Each read has a time budget ({@link #READ_BUDGET_MILLIS}),
 * on a thread of its own: a getter that blocks leaves the gate waiting with that reason, never the
 * evaluation stalled.
 */
final class KafkaBrokerGate implements HealthCheck, ClassFileTransformer {
    static final String MBEAN = "kafka.server:type=KafkaServer,name=BrokerState";
    static final int RUNNING = 3;
    static final long READ_BUDGET_MILLIS = 500;
    private static final String BROKER_PACKAGE = "kafka/server/";

    private final Instrumentation instrumentation;
    private volatile boolean brokerSeen;
    private volatile boolean watching;
    private volatile Runnable onChange;
    private final BoundedRead read = new BoundedRead();

    KafkaBrokerGate(Instrumentation instrumentation) {
        this.instrumentation = instrumentation;
    }

    /** Starts looking for Kafka's broker classes (start thread). */
    void watch() {
        if (instrumentation == null) {
            brokerSeen = true; // no way to watch: read the MBean (the gate was recognized from the main class)
            return;
        }
        instrumentation.addTransformer(this, false);
        watching = true;
        for (Class<?> c : instrumentation.getAllLoadedClasses()) {
            if (c.getName().startsWith("kafka.server.")) {
                brokerSeen = true;
                break;
            }
        }
    }

    void onChange(Runnable r) {
        onChange = r;
    }

    @Override
    public byte[] transform(ClassLoader loader, String className, Class<?> redefined, ProtectionDomain domain, byte[] bytes) {
        if (!brokerSeen && className != null && className.startsWith(BROKER_PACKAGE)) {
            brokerSeen = true;
            Runnable r = onChange;
            if (r != null) {
                r.run();
            }
        }
        return null;
    }

    private final NeverLoaded neverLoaded = new NeverLoaded("kafka-broker");

    @Override
    public String name() {
        return CheckNames.frameworkGate("kafka-broker");
    }

    @Override
    public Role role() {
        return Role.STARTUP;
    }

    @Override
    public CheckResult evaluate() {
        Map<String, Object> details = new LinkedHashMap<String, Object>();
        details.put("mbean", MBEAN);
        if (!brokerSeen && neverLoaded.givenUp(BROKER_PACKAGE.replace('/', '.') + "*", details) != null) {
            return CheckResult.healthy(details);
        }
        if (!brokerSeen) {
            return CheckResult.of(Status.UNHEALTHY, "waiting for the Kafka broker to be RUNNING: no kafka.server class has been loaded yet", details);
        }
        if (watching) {
            watching = false;
            instrumentation.removeTransformer(this); // nothing left to look for
        }
        Object value = read.value();
        details.put("brokerState", value instanceof Number ? value : String.valueOf(value));
        if (value instanceof Number && ((Number) value).intValue() == RUNNING) {
            return CheckResult.healthy(details);
        }
        return CheckResult.of(Status.UNHEALTHY, "waiting for the Kafka broker to be RUNNING (BrokerState 3): " + describe(value), details);
    }

    private static String describe(Object value) {
        if (value instanceof Number) {
            return "BrokerState is " + value;
        }
        return String.valueOf(value);
    }

    @Override
    public void close() {
        if (watching) {
            watching = false;
            instrumentation.removeTransformer(this);
        }
        read.close();
    }

    /** Reads the gauge on a daemon thread; {@link #value} waits at most the budget for a fresh read. */
    private static final class BoundedRead implements Runnable {
        private Object last = "BrokerState not read yet";
        private boolean requested;
        private boolean inFlight;
        private boolean closed;
        private Thread thread;

        synchronized Object value() {
            if (!inFlight) {
                requested = true;
                inFlight = true;
                if (thread == null) {
                    thread = new Thread(this, "jvm-health-kafka");
                    thread.setDaemon(true);
                    thread.start();
                }
                notifyAll();
            }
            long until = System.nanoTime() + READ_BUDGET_MILLIS * 1_000_000L;
            long left;
            while (inFlight && (left = until - System.nanoTime()) > 0) {
                try {
                    wait(left / 1_000_000L + 1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            if (inFlight) {
                return "reading " + MBEAN + " did not answer within " + READ_BUDGET_MILLIS + " ms";
            }
            return last;
        }

        @Override
        public void run() {
            while (true) {
                synchronized (this) {
                    while (!requested && !closed) {
                        try {
                            wait();
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                    if (closed) {
                        return;
                    }
                    requested = false;
                }
                Object v;
                try {
                    v = ManagementFactory.getPlatformMBeanServer().getAttribute(new javax.management.ObjectName(MBEAN), "Value");
                } catch (javax.management.InstanceNotFoundException e) {
                    v = MBEAN + " is not registered yet";
                } catch (Throwable e) {
                    v = "reading " + MBEAN + " failed: " + e.getClass().getSimpleName();
                }
                synchronized (this) {
                    last = v;
                    inFlight = false;
                    notifyAll();
                }
            }
        }

        synchronized void close() {
            closed = true;
            notifyAll();
        }
    }
}
