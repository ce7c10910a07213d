package io.jvmhealth.agent.apps;

import io.jvmhealth.agent.health.checks.hang.PoolThreads;
import io.jvmhealth.agent.health.checks.hang.RequestPool;
import io.jvmhealth.agent.health.checks.hang.RequestPools;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.util.List;

/**
 * Undertow's request pools: XNIO's worker ({@code org.xnio:type=Xnio,provider=...,worker=...}): {@code BusyWorkerThreadCount}
 * of {@code MaxWorkerPoolSize}, and the completed tasks of its jboss-threads executor
 * ({@code jboss.threads:type=thread-pool,name=<worker>}: {@code CompletedTaskCount}). Both are {@code -1} unless the
 * JVM runs with jboss-threads' statistics ({@code -Djboss.threads.eqe.statistics=true
 * -Djboss.threads.eqe.statistics.active-count=true}): then a pool is neither saturated nor hung by this check, and its
 * details say so. XNIO registers its MBeans itself; there is no reflection route (the figures it would reach are the
 * same {@code -1}).
 */
final class UndertowPools implements RequestPools {
    private static final String WORKERS = "org.xnio:type=Xnio,provider=*,worker=*";
    static final String NOT_TRACKED = "XNIO does not track busy or completed worker tasks without -Djboss.threads.eqe.statistics=true"
            + " -Djboss.threads.eqe.statistics.active-count=true: never saturated nor hung";
    /**
     * The one worker judged, or null for every worker (an embedded Undertow, Spring Boot's, creates one for its
     * requests). WildFly's stock listeners serve with {@code default}; its management interface and XNIO itself have
     * workers of their own that serve no application request. Which worker a listener uses is in WildFly's management
     * model, but reading it over JMX while WildFly boots makes WildFly log an ERROR per read (WFLYCTL0013, resource not
     * found: seen with WildFly 38): a listener configured with another worker is not judged.
     */
    private final String onlyWorker;

    /** Every XNIO worker. */
    UndertowPools() {
        this(null);
    }

    UndertowPools(String onlyWorker) {
        this.onlyWorker = onlyWorker;
    }

    @Override
    public String server() {
        return "undertow";
    }

    @Override
    public void read(MBeanServer mbeans, PoolThreads threads, List<RequestPool> into) throws Exception {
        if (mbeans == null) {
            return;
        }
        for (ObjectName worker : PoolObjects.names(mbeans, WORKERS)) {
            String name = PoolObjects.unquoted(worker.getKeyProperty("worker"));
            if (onlyWorker != null && !onlyWorker.equals(name)) {
                continue;
            }
            ObjectName executor = new ObjectName("jboss.threads:type=thread-pool,name=" + ObjectName.quote(name));
            long completed = mbeans.isRegistered(executor) ? PoolObjects.attribute(mbeans, executor, "CompletedTaskCount") : -1;
            int busy = (int) PoolObjects.attribute(mbeans, worker, "BusyWorkerThreadCount");
            into.add(new RequestPool(server(), name, busy, (int) PoolObjects.attribute(mbeans, worker, "MaxWorkerPoolSize"), completed,
                    "MBean " + worker + (completed < 0 && !mbeans.isRegistered(executor) ? "" : " and " + executor),
                    busy < 0 || completed < 0 ? NOT_TRACKED : null));
        }
    }
}
