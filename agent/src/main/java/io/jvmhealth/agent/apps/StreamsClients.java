package io.jvmhealth.agent.apps;

import io.jvmhealth.agent.base.AgentLog;

import java.lang.ref.WeakReference;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The Kafka Streams clients ({@code KafkaStreams} instances) of this JVM and their states, read without bytecode and
 * without JMX (Kafka Streams unregisters its {@code stream-metrics} MBean within about 0.6 s of PENDING_ERROR, so JMX
 * cannot see ERROR: docs/gates.md). A client is found through its stream threads, which run from its
 * {@code start()} until it stops: each {@code StreamThread} (and {@code GlobalStreamThread}) holds the client's
 * state listener in its field {@code stateListener}, an inner class of {@code KafkaStreams} whose enclosing instance
 * is the client. The client is then kept by a weak reference, and its state read with its public {@code state()}
 * (a volatile field read) for as long as it exists, after its threads have died too (ERROR, NOT_RUNNING).
 *
 * <p>Reading: the threads are listed through the root thread group (no stacks), and each stream thread is resolved
 * once. Nothing of the application is called but {@code state()}; nothing is changed. Where the fields cannot be read
 * (another Kafka version's layout, classes in a named module), {@link #problem()} says so. Used on the evaluator
 * thread only.
 */
final class StreamsClients {
    static final String KAFKA_STREAMS = "org.apache.kafka.streams.KafkaStreams";
    static final String STREAM_THREAD = "org.apache.kafka.streams.processor.internals.StreamThread";
    static final String GLOBAL_THREAD = "org.apache.kafka.streams.processor.internals.GlobalStreamThread";
    /** Clients kept at most (a JVM runs a few). */
    static final int MAX_CLIENTS = 64;
    /** Stream threads remembered as resolved at most. */
    static final int MAX_THREADS = 1024;

    /** The states in which a client processes or is about to (a restart is not needed): CREATED, REBALANCING, RUNNING. */
    static boolean live(String state) {
        return "RUNNING".equals(state) || "REBALANCING".equals(state) || "CREATED".equals(state);
    }

    /** One client. */
    static final class Client {
        final String id;
        private final WeakReference<Object> ref;
        private Method stateMethod;
        /** The state last read; kept once the client is collected. */
        String state;
        /** Seen in PENDING_ERROR or ERROR: it failed (a restart is the way back), whatever it goes to next. */
        boolean failed;

        Client(Object client, String id) {
            this.ref = new WeakReference<Object>(client);
            this.id = id;
        }

        /** Reads the state now; the last state once collected. */
        String read() {
            Object c = ref.get();
            if (c == null) {
                return state;
            }
            try {
                if (stateMethod == null) {
                    stateMethod = c.getClass().getMethod("state");
                }
                Object v = stateMethod.invoke(c);
                state = v instanceof Enum ? ((Enum<?>) v).name() : String.valueOf(v);
            } catch (Throwable e) {
                state = "unreadable (" + e.getClass().getSimpleName() + ")";
            }
            if ("PENDING_ERROR".equals(state) || "ERROR".equals(state)) {
                failed = true;
            }
            return state;
        }

        /** Failed, and past PENDING_ERROR: ERROR, or closed after it. */
        boolean deadByFailure() {
            return failed && !"PENDING_ERROR".equals(state);
        }

        boolean collected() {
            return ref.get() == null;
        }

        boolean is(Object other) {
            return ref.get() == other;
        }
    }

    private final List<Client> clients = new ArrayList<Client>();
    private final List<WeakReference<Thread>> resolved = new ArrayList<WeakReference<Thread>>();
    private String problem;
    private boolean warned;
    private int streamThreadsSeen;

    /** The clients found so far, oldest first. */
    List<Client> clients() {
        return Collections.unmodifiableList(clients);
    }

    /** Why a stream thread's client could not be found, or null. */
    String problem() {
        return problem;
    }

    /** Whether any stream thread was ever seen (even one whose client could not be read). */
    boolean streamThreadsSeen() {
        return streamThreadsSeen > 0;
    }

    /** Reads every known client's state; true when one changed since the last read. */
    boolean readAll() {
        boolean changed = false;
        for (Client c : clients) {
            String before = c.state;
            String now = c.read();
            changed |= before == null ? now != null : !before.equals(now);
        }
        return changed;
    }

    /** Looks for stream threads not seen before and adds their clients (a client shows once its start() ran). */
    void discover() {
        ThreadGroup root = Thread.currentThread().getThreadGroup();
        while (root.getParent() != null) {
            root = root.getParent();
        }
        Thread[] all = new Thread[root.activeCount() + 32];
        int n = root.enumerate(all, true);
        for (int i = 0; i < n; i++) {
            Thread t = all[i];
            String cls = t.getClass().getName();
            if (!STREAM_THREAD.equals(cls) && !GLOBAL_THREAD.equals(cls) || isResolved(t)) {
                continue;
            }
            streamThreadsSeen++;
            Object client = clientOf(t);
            if (client == null || known(client)) {
                continue;
            }
            if (clients.size() >= MAX_CLIENTS) {
                dropOneCollected();
            }
            if (clients.size() < MAX_CLIENTS) {
                Client c = new Client(client, clientId(t.getName()));
                c.read();
                clients.add(c);
            }
        }
    }

    private boolean isResolved(Thread t) {
        for (int i = resolved.size() - 1; i >= 0; i--) {
            Thread r = resolved.get(i).get();
            if (r == null) {
                resolved.remove(i);
            } else if (r == t) {
                return true;
            }
        }
        if (resolved.size() >= MAX_THREADS) {
            resolved.remove(0);
        }
        resolved.add(new WeakReference<Thread>(t));
        return false;
    }

    private boolean known(Object client) {
        for (Client c : clients) {
            if (c.is(client)) {
                return true;
            }
        }
        return false;
    }

    private void dropOneCollected() {
        for (int i = 0; i < clients.size(); i++) {
            if (clients.get(i).collected() && !clients.get(i).failed) {
                clients.remove(i);
                return;
            }
        }
    }

    /** The client whose state listener the thread holds, or null (and {@link #problem} says why). */
    private Object clientOf(Thread t) {
        try {
            Object listener = null;
            for (Class<?> c = t.getClass(); c != null && c != Thread.class && listener == null; c = c.getSuperclass()) {
                for (Field f : c.getDeclaredFields()) {
                    if (f.getName().equals("stateListener") && !Modifier.isStatic(f.getModifiers())) {
                        f.setAccessible(true);
                        listener = f.get(t);
                        break;
                    }
                }
            }
            if (listener == null) {
                return fail(t, "no stateListener field with a value");
            }
            if (isKafkaStreams(listener.getClass())) {
                return listener;
            }
            for (Class<?> c = listener.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
                for (Field f : c.getDeclaredFields()) {
                    if (!Modifier.isStatic(f.getModifiers()) && isKafkaStreams(f.getType())) {
                        f.setAccessible(true);
                        Object client = f.get(listener);
                        if (client != null) {
                            return client;
                        }
                    }
                }
            }
            return fail(t, "its state listener (" + listener.getClass().getName() + ") refers to no KafkaStreams");
        } catch (Throwable e) {
            return fail(t, AgentLog.describe(e));
        }
    }

    private Object fail(Thread t, String why) {
        problem = "the KafkaStreams client of stream thread '" + t.getName() + "' could not be found: " + why;
        if (!warned) {
            warned = true;
            AgentLog.warn("kafka-streams: " + problem);
        }
        return null;
    }

    private static boolean isKafkaStreams(Class<?> c) {
        for (Class<?> k = c; k != null && k != Object.class; k = k.getSuperclass()) {
            if (KAFKA_STREAMS.equals(k.getName())) {
                return true;
            }
        }
        return false;
    }

    /** {@code <client id>-StreamThread-<n>} or {@code <client id>-GlobalStreamThread}: the client id. */
    static String clientId(String threadName) {
        int at = threadName.lastIndexOf("-StreamThread-");
        if (at > 0) {
            return threadName.substring(0, at);
        }
        if (threadName.endsWith("-GlobalStreamThread")) {
            return threadName.substring(0, threadName.length() - "-GlobalStreamThread".length());
        }
        return threadName;
    }
}
