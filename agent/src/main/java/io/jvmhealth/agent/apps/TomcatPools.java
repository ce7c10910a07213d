package io.jvmhealth.agent.apps;

import io.jvmhealth.agent.health.checks.hang.PoolThreads;
import io.jvmhealth.agent.health.checks.hang.RequestPool;
import io.jvmhealth.agent.health.checks.hang.RequestPools;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.util.ArrayList;
import java.util.List;

/**
 * Tomcat's request pools (embedded or standalone, Spring Boot's too).
 *
 * <p>With its MBeans (domain {@code Tomcat} embedded, {@code Catalina} standalone): each connector's
 * {@code type=ThreadPool} {@code currentThreadsBusy} / {@code maxThreads} and its {@code type=GlobalRequestProcessor}
 * {@code requestCount} (requests completed); a shared {@code <Executor>} ({@code type=Executor}: {@code activeCount},
 * {@code maxThreads}, {@code completedTaskCount}) stands for the connectors that run on it.
 *
 * <p>Without them (Spring Boot's default, {@code server.tomcat.mbeanregistry.enabled=false}): a request thread is a
 * {@code org.apache.tomcat.util.threads.TaskThread}; its {@code Runnable} ({@link PoolThreads#task}) is a
 * {@code TaskThread$WrappingRunnable} whose {@code wrappedRunnable} is the executor's {@code Worker}, whose enclosing
 * instance is the connector's {@code org.apache.tomcat.util.threads.ThreadPoolExecutor}: its public
 * {@code getActiveCount()}, {@code getMaximumPoolSize()} and {@code getCompletedTaskCount()} (tasks, not requests: a
 * keep-alive read is a task too, so more completions than requests, never fewer). Where a link of that chain is not
 * there (another Tomcat version), no pool is found: never a guess. Tomcat's utility threads are TaskThreads too, of a
 * {@code ScheduledThreadPoolExecutor}: not a request pool, left out by the executor's class.
 */
final class TomcatPools implements RequestPools {
    static final String[] DOMAINS = {"Tomcat", "Catalina"};
    private static final String TASK_THREAD = "org.apache.tomcat.util.threads.TaskThread";
    private static final String EXECUTOR = "org.apache.tomcat.util.threads.ThreadPoolExecutor";
    private final PoolObjects found = new PoolObjects();

    @Override
    public String server() {
        return "tomcat";
    }

    @Override
    public void read(MBeanServer mbeans, PoolThreads threads, List<RequestPool> into) throws Exception {
        if (mbeans != null && fromMBeans(mbeans, into)) {
            return;
        }
        List<String> names = new ArrayList<String>();
        List<Object> executors = found.pools(threads, FINDER, names);
        for (int i = 0; i < executors.size(); i++) {
            Object executor = executors.get(i);
            String name = names.get(i);
            if (Boolean.TRUE.equals(PoolObjects.value(executor, "isTerminated"))) {
                continue;
            }
            into.add(new RequestPool(server(), name, (int) PoolObjects.number(executor, "getActiveCount"),
                    (int) PoolObjects.number(executor, "getMaximumPoolSize"), PoolObjects.number(executor, "getCompletedTaskCount"),
                    "the connector's executor (" + EXECUTOR + ", reached from its threads: Tomcat's MBeans are off)",
                    "completions are the executor's tasks (a keep-alive read is one too)"));
        }
    }

    private boolean fromMBeans(MBeanServer mbeans, List<RequestPool> into) throws Exception {
        boolean any = false;
        for (String domain : DOMAINS) {
            for (ObjectName executor : PoolObjects.names(mbeans, domain + ":type=Executor,name=*")) {
                any = true;
                into.add(new RequestPool(server(), PoolObjects.unquoted(executor.getKeyProperty("name")),
                        (int) PoolObjects.attribute(mbeans, executor, "activeCount"), (int) PoolObjects.attribute(mbeans, executor, "maxThreads"),
                        PoolObjects.attribute(mbeans, executor, "completedTaskCount"), "MBean " + executor,
                        "a shared executor: completions are its tasks"));
            }
            for (ObjectName pool : PoolObjects.names(mbeans, domain + ":type=ThreadPool,name=*")) {
                any = true;
                int max = (int) PoolObjects.attribute(mbeans, pool, "maxThreads");
                if (max < 0) {
                    continue; // the connector runs on a shared executor (its type=Executor pool above)
                }
                ObjectName requests = new ObjectName(domain + ":type=GlobalRequestProcessor,name=" + pool.getKeyProperty("name"));
                long completed = mbeans.isRegistered(requests) ? PoolObjects.attribute(mbeans, requests, "requestCount") : -1;
                into.add(new RequestPool(server(), PoolObjects.unquoted(pool.getKeyProperty("name")),
                        (int) PoolObjects.attribute(mbeans, pool, "currentThreadsBusy"), max, completed,
                        "MBeans " + pool + " and " + requests, completed < 0 ? "no request count: never judged hung" : null));
            }
        }
        return any;
    }

    private static final PoolObjects.Finder FINDER = new PoolObjects.Finder() {
        @Override
        public Object poolOf(Thread thread, PoolThreads threads) {
            if (!TASK_THREAD.equals(thread.getClass().getName())) {
                return null;
            }
            Object wrapping = threads.task(thread);
            Object worker = wrapping == null ? null : PoolObjects.field(wrapping, "wrappedRunnable");
            Object executor = worker == null ? null : threads.outer(worker);
            return executor != null && EXECUTOR.equals(executor.getClass().getName()) ? executor : null;
        }

        @Override
        public String nameOf(Object pool, Thread thread) {
            String name = thread.getName(); // http-nio-8080-exec-3
            int exec = name.lastIndexOf("-exec-");
            return exec > 0 ? name.substring(0, exec) : name;
        }
    };
}
