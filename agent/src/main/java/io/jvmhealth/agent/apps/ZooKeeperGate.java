package io.jvmhealth.agent.apps;

import io.jvmhealth.agent.base.AgentLog;
import io.jvmhealth.agent.gates.NeverLoaded;
import io.jvmhealth.agent.health.CheckResult;
import io.jvmhealth.agent.health.Publisher;
import io.jvmhealth.agent.health.Status;
import io.jvmhealth.agent.jmx.JmxAccess;
import io.jvmhealth.agent.jmx.JmxReader;

import javax.management.MBeanServer;
import javax.management.MBeanServerDelegate;
import javax.management.MBeanServerNotification;
import javax.management.Notification;
import javax.management.NotificationFilter;
import javax.management.NotificationListener;
import javax.management.ObjectName;
import java.lang.instrument.Instrumentation;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code app:zookeeper}: ZooKeeper serves while a ZooKeeper server of this JVM runs, which it announces in JMX:
 * {@code ZooKeeperServer.startup()} registers the server and its data tree
 * ({@code org.apache.ZooKeeperService:name0=StandaloneServer_port<port>,name1=InMemoryDataTree} standalone;
 * {@code ...:name0=ReplicatedServer_id<id>,name1=replica.<id>,name2=Leader|Follower|Observer,name3=InMemoryDataTree}
 * in a quorum, once this peer has joined it) shortly before it turns RUNNING, and unregisters them when the server
 * shuts down (closed, or a peer that lost its leader and went back to leader election). Between the registration
 * and RUNNING (metrics registered: tens of ms on a loaded machine) a client that connects is turned away, so where it
 * can the gate also asks the server itself: each ZooKeeper server runs a {@code RequestThrottler} thread holding it
 * (field {@code zks}), whose public {@code isRunning()} is a field read. The gate passes while a data tree is
 * registered and the server runs, and keeps judging readiness: a peer in leader election is not ready. Its client
 * port is no signal: it listens before the server runs and stays listening through elections (docs/gates.md).
 *
 * <p>No polling: once the application has an MBeanServer, a listener on the server's registrations (filtered to
 * ZooKeeper's domain, so it costs the application's other registrations one string comparison) asks for a query
 * of the domain's names ({@code queryNames}: no getter of the application runs) on the agent's JMX reader; the
 * query that sees a change publishes at once. Where the listener cannot be added, each poll queries.
 */
final class ZooKeeperGate extends ServingGate {
    static final String DOMAIN = "org.apache.ZooKeeperService";
    static final String DATA_TREE = "InMemoryDataTree";
    static final String THROTTLER = "org.apache.zookeeper.server.RequestThrottler";
    static final String SERVER = "org.apache.zookeeper.server.ZooKeeperServer";
    static final String QUORUM_PEER = "org.apache.zookeeper.server.quorum.QuorumPeer";
    static final String[] SERVER_CLASSES = {SERVER, QUORUM_PEER};

    /** What one query of the domain found. */
    static final class State {
        final boolean serving;
        /** {@code standalone}, {@code leader}, {@code follower}, {@code observer}, or null. */
        final String mode;
        final int clientPort;
        final int beans;
        /** When not serving: what is seen instead. */
        final String why;

        State(boolean serving, String mode, int clientPort, int beans, String why) {
            this.serving = serving;
            this.mode = mode;
            this.clientPort = clientPort;
            this.beans = beans;
            this.why = why;
        }

        boolean sameAs(State o) {
            return o != null && serving == o.serving && eq(mode, o.mode) && eq(why, o.why);
        }

        private static boolean eq(String a, String b) {
            return a == null ? b == null : a.equals(b);
        }

        /** Reads the domain's ObjectNames (see the class comment). */
        static State of(Collection<ObjectName> names) {
            String mode = null;
            int port = -1;
            String peer = null;
            String peerRole = null;
            boolean standalone = false;
            for (ObjectName n : names) {
                String name0 = n.getKeyProperty("name0");
                if (name0 != null && name0.startsWith("StandaloneServer_port")) {
                    standalone = true;
                    port = number(name0.substring("StandaloneServer_port".length()));
                }
                if (name0 != null && name0.startsWith("ReplicatedServer_id")) {
                    peer = name0.substring("ReplicatedServer_id".length());
                    String role = n.getKeyProperty("name2");
                    if (role != null) {
                        peerRole = role;
                    }
                }
                if (DATA_TREE.equals(n.getKeyProperty("name1"))) {
                    mode = "standalone";
                } else if (DATA_TREE.equals(n.getKeyProperty("name3"))) {
                    String role = n.getKeyProperty("name2");
                    mode = role == null ? "quorum member" : role.toLowerCase(Locale.ROOT);
                }
            }
            if (mode != null) {
                return new State(true, mode, port, names.size(), null);
            }
            String why;
            if (names.isEmpty()) {
                why = "no " + DOMAIN + " MBean is registered yet";
            } else if (peer != null) {
                why = "peer " + peer + " has not joined its quorum"
                        + (peerRole == null ? "" : " (" + ("LeaderElection".equals(peerRole) ? "in leader election" : peerRole) + ")");
            } else if (standalone) {
                why = "its server is registered but its data tree is not (starting or stopping)";
            } else {
                why = "no ZooKeeper server is registered";
            }
            return new State(false, null, port, names.size(), why);
        }

        private static int number(String s) {
            try {
                return Integer.parseInt(s);
            } catch (NumberFormatException e) {
                return -1;
            }
        }
    }

    private final JmxAccess access;
    private final JmxReader reader;
    private final Publisher publisher;
    private final Instrumentation instrumentation;
    private final NeverLoaded neverRegistered = new NeverLoaded("zookeeper");
    private final Runnable query = new Runnable() {
        @Override
        public void run() {
            queryNow();
        }
    };
    private final NotificationFilter filter = new NotificationFilter() {
        private static final long serialVersionUID = 1L;

        @Override
        public boolean isNotificationEnabled(Notification n) {
            try {
                return n instanceof MBeanServerNotification && DOMAIN.equals(((MBeanServerNotification) n).getMBeanName().getDomain());
            } catch (Throwable e) {
                return false;
            }
        }
    };
    private final NotificationListener listener = new NotificationListener() {
        @Override
        public void handleNotification(Notification notification, Object handback) {
            // On the application's thread that (un)registered a ZooKeeper MBean: two volatile writes and an unpark.
            try {
                dirty = true;
                publisher.publishNow();
            } catch (Throwable ignored) {
                // never disturb the application's registration
            }
        }
    };

    private volatile State state;
    private volatile boolean dirty = true;
    private volatile boolean inFlight;
    private volatile boolean listening;
    private volatile String failure;
    private volatile MBeanServer server;
    private volatile boolean closed;
    private boolean passed;
    private String passedBecause;
    /** The ZooKeeper server last found running (weakly), and why the servers cannot be asked, if so. */
    private java.lang.ref.WeakReference<Object> runningServer;
    private String unaskable;
    private java.lang.reflect.Method isRunningMethod;

    ZooKeeperGate(Recognizer recognizer, AppContext context) {
        super(recognizer.gateName());
        this.access = context.jmxAccess();
        this.reader = context.jmxReader();
        this.publisher = context.publisher();
        this.instrumentation = context.instrumentation();
    }

    /**
     * The watch, every {@link #WATCH_MILLIS} once passed: the registrations' listener publishes changes; this only asks
     * for a query where it could not be added, and whether the server still runs.
     */
    @Override
    public boolean stillPassesNow() {
        requestQuery();
        State s = state;
        return s == null || s.serving && !Boolean.FALSE.equals(running());
    }

    @Override
    public boolean passesNow() {
        if (passedBecause != null) {
            return true;
        }
        if (!access.serverExists(System.nanoTime())) {
            return gaveUp(null) != null;
        }
        requestQuery();
        State s = state;
        return s != null && s.serving && !Boolean.FALSE.equals(running()) || gaveUp(s) != null;
    }

    @Override
    public CheckResult evaluate() {
        Map<String, Object> details = new LinkedHashMap<String, Object>();
        details.put("mbeans", DOMAIN + ":*");
        if (passedBecause != null) {
            return decided(passedBecause, details);
        }
        String waiting = "waiting for ZooKeeper to serve (standalone: its server running; in a quorum: joined as leader, follower or observer): ";
        if (!access.serverExists(System.nanoTime())) {
            String because = gaveUp(null);
            if (because != null) {
                return decided(because, details);
            }
            return CheckResult.of(Status.UNHEALTHY, waiting + "it has no MBeanServer yet", details);
        }
        requestQuery();
        State s = state;
        details.put("source", listening ? "JMX registrations of " + DOMAIN : "queries of " + DOMAIN + " (no registration listener)");
        if (failure != null) {
            details.put("failure", failure);
        }
        if (s == null) {
            return CheckResult.of(Status.UNHEALTHY, waiting + "its MBeans are being read", details);
        }
        details.put("registered", s.beans);
        if (s.clientPort > 0) {
            details.put("clientPort", s.clientPort);
        }
        Boolean running = s.serving ? running() : null;
        if (unaskable != null) {
            details.put("running", "not asked: " + unaskable);
        }
        if (s.serving && !Boolean.FALSE.equals(running)) {
            passed = true;
            details.put("mode", s.mode);
            return CheckResult.healthy(details);
        }
        String why = s.serving ? "its server (" + s.mode + ") is registered but not RUNNING" : s.why;
        if (passed) {
            return CheckResult.of(Status.UNHEALTHY, "ZooKeeper stopped serving: " + why, details);
        }
        String because = gaveUp(s);
        if (because != null) {
            return decided(because, details);
        }
        return CheckResult.of(Status.UNHEALTHY, waiting + why, details);
    }

    /**
     * Whether a ZooKeeper server of this JVM is RUNNING, asked through its {@code RequestThrottler} thread; null when
     * that cannot be told (no such thread: another ZooKeeper version; or its field cannot be read), and then the
     * MBeans alone decide. The server found running is kept and asked first (a field read); the threads are listed
     * (no stacks) only when it is not running any more, or none is known.
     */
    Boolean running() {
        Object known = runningServer == null ? null : runningServer.get();
        if (known != null && Boolean.TRUE.equals(isRunning(known))) {
            return Boolean.TRUE;
        }
        ThreadGroup root = Thread.currentThread().getThreadGroup();
        while (root.getParent() != null) {
            root = root.getParent();
        }
        Thread[] all = new Thread[root.activeCount() + 16];
        int n = root.enumerate(all, true);
        boolean asked = false;
        for (int i = 0; i < n; i++) {
            if (!THROTTLER.equals(all[i].getClass().getName())) {
                continue;
            }
            Object server = serverOf(all[i]);
            Boolean running = server == null ? null : isRunning(server);
            if (running == null) {
                continue;
            }
            asked = true;
            if (running) {
                runningServer = new java.lang.ref.WeakReference<Object>(server);
                return Boolean.TRUE;
            }
        }
        return asked ? Boolean.FALSE : null;
    }

    private Object serverOf(Thread throttler) {
        try {
            for (Class<?> c = throttler.getClass(); c != null && c != Thread.class; c = c.getSuperclass()) {
                for (java.lang.reflect.Field f : c.getDeclaredFields()) {
                    if (f.getName().equals("zks") && !java.lang.reflect.Modifier.isStatic(f.getModifiers())) {
                        f.setAccessible(true);
                        return f.get(throttler);
                    }
                }
            }
            unaskable = THROTTLER + " has no field zks";
        } catch (Throwable e) {
            unaskable = "the field zks of " + THROTTLER + " cannot be read: " + AgentLog.describe(e);
        }
        return null;
    }

    /** The server's {@code isRunning()}, or null when it cannot be asked. */
    private Boolean isRunning(Object server) {
        try {
            java.lang.reflect.Method m = isRunningMethod;
            if (m == null || m.getDeclaringClass() != server.getClass() && !m.getDeclaringClass().isInstance(server)) {
                m = server.getClass().getMethod("isRunning");
                isRunningMethod = m;
            }
            return Boolean.TRUE.equals(m.invoke(server));
        } catch (Throwable e) {
            unaskable = "isRunning() of " + server.getClass().getName() + " failed: " + AgentLog.describe(e);
            return null;
        }
    }

    /**
     * Why the gate passes though ZooKeeper never registered a thing, or null: nothing in its domain and none of its
     * server classes loaded {@link NeverLoaded#WAIT_MILLIS} after the agent started (recognized from the main class,
     * this run starts no server).
     */
    private String gaveUp(State s) {
        if (passed || s != null && s.beans > 0 || !neverRegistered.expired() || instrumentation == null
                || !Boolean.FALSE.equals(anyLoadedNow(instrumentation, SERVER_CLASSES))) {
            return null;
        }
        Map<String, Object> ignored = new LinkedHashMap<String, Object>();
        passedBecause = neverRegistered.givenUp(SERVER_CLASSES[0], ignored);
        return passedBecause;
    }

    /** Queues a query when one is due (an event since the last, the first, or no listener) and none is under way. */
    private void requestQuery() {
        if (closed || inFlight || !(dirty || !listening)) {
            return;
        }
        if (!access.serverExists(System.nanoTime())) {
            return;
        }
        inFlight = true;
        reader.submit(query);
        reader.maintain(System.nanoTime());
    }

    /** On a JMX reader thread: adds the listener once, then reads the domain's names until no event came meanwhile. */
    private void queryNow() {
        try {
            MBeanServer s = server;
            if (s == null) {
                s = access.server();
                server = s;
            }
            if (!listening && !closed) {
                try {
                    s.addNotificationListener(MBeanServerDelegate.DELEGATE_NAME, listener, filter, null);
                    listening = true;
                    if (closed) {
                        close(); // the agent stopped meanwhile: leave nothing behind
                        return;
                    }
                } catch (Throwable e) {
                    failure = "registration listener not added: " + AgentLog.describe(e);
                }
            }
            ObjectName pattern = new ObjectName(DOMAIN + ":*");
            State next = null;
            for (int i = 0; i < 3 && (next == null || dirty); i++) {
                dirty = false;
                next = State.of(s.queryNames(pattern, null));
            }
            State before = state;
            state = next;
            if (!next.sameAs(before)) {
                publisher.publishNow();
            }
        } catch (Throwable e) {
            failure = AgentLog.describe(e);
            dirty = true;
        } finally {
            inFlight = false;
        }
    }

    @Override
    public void close() {
        closed = true;
        MBeanServer s = server;
        if (s != null && listening) {
            try {
                s.removeNotificationListener(MBeanServerDelegate.DELEGATE_NAME, listener, filter, null);
            } catch (Throwable ignored) {
                // gone with the server
            }
            listening = false;
        }
    }
}
