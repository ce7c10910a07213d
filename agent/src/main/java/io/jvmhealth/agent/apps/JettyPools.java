package io.jvmhealth.agent.apps;

import io.jvmhealth.agent.health.checks.hang.PoolThreads;
import io.jvmhealth.agent.health.checks.hang.RequestPool;
import io.jvmhealth.agent.health.checks.hang.RequestPools;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Jetty's request pools (9.4 to 12).
 *
 * <p>With jetty-jmx's MBeans: each {@code QueuedThreadPool}'s {@code busyThreads} / {@code maxThreads} (its acceptor and
 * selector threads count as busy: a pool of 6 with one of each is 6 of 6 busy when its 4 request threads are); the
 * requests completed are counted only by a {@code StatisticsHandler} the application wraps its handlers in:
 * {@code requests} less {@code requestsActive} of every one (summed: with several servers in one JVM, one server's
 * completions keep the other's pool from being judged hung, never the reverse).
 *
 * <p>Without MBeans: a pool thread's {@code Runnable} is a {@code QueuedThreadPool$Runner}, whose enclosing instance is
 * the pool: its public {@code getBusyThreads()}, {@code getMaxThreads()}, {@code getName()}. No completion count is
 * reachable that way: such a pool is never judged hung, and its details say so.
 */
final class JettyPools implements RequestPools {
    private static final String POOLS = "org.eclipse.jetty.util.thread:type=queuedthreadpool,*";
    private static final String STATISTICS = "org.eclipse.jetty.server.handler:type=statisticshandler,*";
    private static final String RUNNER = "org.eclipse.jetty.util.thread.QueuedThreadPool$Runner";
    static final String NO_COUNT = "Jetty counts completed requests only in a StatisticsHandler's MBean: never judged hung without one";
    private final PoolObjects found = new PoolObjects();

    @Override
    public String server() {
        return "jetty";
    }

    @Override
    public void read(MBeanServer mbeans, PoolThreads threads, List<RequestPool> into) throws Exception {
        if (mbeans != null) {
            Set<ObjectName> pools = PoolObjects.names(mbeans, POOLS);
            if (!pools.isEmpty()) {
                long completed = -1;
                String counted = null;
                for (ObjectName statistics : PoolObjects.names(mbeans, STATISTICS)) {
                    long requests = PoolObjects.attribute(mbeans, statistics, "requests");
                    long active = PoolObjects.attribute(mbeans, statistics, "requestsActive");
                    if (requests >= 0) {
                        completed = Math.max(0, completed) + requests - Math.max(0, active);
                        counted = counted == null ? statistics.toString() : counted + ", " + statistics;
                    }
                }
                for (ObjectName pool : pools) {
                    Object name = PoolObjects.text(mbeans, pool, "name");
                    into.add(new RequestPool(server(), name == null ? pool.getKeyPropertyListString() : String.valueOf(name),
                            (int) PoolObjects.attribute(mbeans, pool, "busyThreads"), (int) PoolObjects.attribute(mbeans, pool, "maxThreads"),
                            completed, "MBean " + pool + (counted == null ? "" : " and " + counted), counted == null ? NO_COUNT : null));
                }
                return;
            }
        }
        List<String> names = new ArrayList<String>();
        List<Object> pools = found.pools(threads, FINDER, names);
        for (int i = 0; i < pools.size(); i++) {
            Object pool = pools.get(i);
            if (Boolean.TRUE.equals(PoolObjects.value(pool, "isStopped"))) {
                continue;
            }
            into.add(new RequestPool(server(), names.get(i), (int) PoolObjects.number(pool, "getBusyThreads"),
                    (int) PoolObjects.number(pool, "getMaxThreads"), -1,
                    "the QueuedThreadPool (reached from its threads: Jetty's MBeans are off)", NO_COUNT));
        }
    }

    private static final PoolObjects.Finder FINDER = new PoolObjects.Finder() {
        @Override
        public Object poolOf(Thread thread, PoolThreads threads) {
            if (thread.getClass() != Thread.class) {
                return null; // QueuedThreadPool's default factory makes plain threads
            }
            Object runner = threads.task(thread);
            return runner != null && RUNNER.equals(runner.getClass().getName()) ? threads.outer(runner) : null;
        }

        @Override
        public String nameOf(Object pool, Thread thread) {
            Object name = PoolObjects.value(pool, "getName");
            return name == null ? thread.getName() : String.valueOf(name);
        }
    };
}
