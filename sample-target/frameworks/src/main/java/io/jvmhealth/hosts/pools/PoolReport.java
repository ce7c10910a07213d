package io.jvmhealth.hosts.pools;

import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Figures for the hung-pool findings, printed on stderr every second by the hosts given {@code report}: what the
 * servers' MBeans say (Tomcat/Catalina ThreadPool and GlobalRequestProcessor, Jetty's QueuedThreadPool and
 * StatisticsHandler, XNIO's worker), and what an agent can read WITHOUT any MBean: the pool object reached from a
 * request thread (its Runnable, held in {@code java.lang.Thread}: needs {@code --add-opens java.base/java.lang=ALL-UNNAMED}
 * here; the agent would open it to a module of its own), then the pool's public getters. Measurement code: not part
 * of what a host does otherwise.
 */
final class PoolReport {
    private static final String[] GETTERS = {"getActiveCount", "getBusyThreads", "getMaximumPoolSize", "getMaxThreads",
            "getPoolSize", "getThreads", "getCompletedTaskCount", "getQueueSize", "getLargestPoolSize"};

    private PoolReport() {
    }

    static void start() {
        Thread t = new Thread(PoolReport::loop, "pool-report");
        t.setDaemon(true);
        t.start();
    }

    private static void loop() {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        boolean first = true;
        long t0 = System.nanoTime();
        while (true) {
            try {
                Thread.sleep(1000);
                StringBuilder line = new StringBuilder(String.format("report t=%.0f answered=%d blocked=%d", (System.nanoTime() - t0) / 1e9,
                        Blocking.ANSWERED.get(), Blocking.BLOCKED.get()));
                for (String pattern : new String[] {"Tomcat:type=ThreadPool,*", "Catalina:type=ThreadPool,*", "Tomcat:type=GlobalRequestProcessor,*",
                        "Catalina:type=GlobalRequestProcessor,*", "org.eclipse.jetty.util.thread:type=queuedthreadpool,*",
                        "org.eclipse.jetty.server.handler:type=statisticshandler,*", "org.xnio:*", "io.undertow:*", "jboss.threads:*"}) {
                    Set<ObjectName> names = server.queryNames(new ObjectName(pattern), null);
                    if (!first && names.isEmpty()) {
                        continue;
                    }
                    for (ObjectName name : names) {
                        if (first) {
                            StringBuilder attrs = new StringBuilder();
                            for (MBeanAttributeInfo a : server.getMBeanInfo(name).getAttributes()) {
                                attrs.append(a.getName()).append(' ');
                            }
                            System.err.println("mbean " + name + " attributes: " + attrs);
                        }
                        line.append(" | ").append(name.getDomain()).append(':').append(name.getKeyProperty("type"));
                        for (String a : new String[] {"currentThreadsBusy", "maxThreads", "currentThreadCount", "requestCount", "busyThreads",
                                "threads", "queueSize", "readyThreads", "utilizedThreads", "requests", "requestsActive", "BusyWorkerThreadCount",
                                "MaxWorkerPoolSize", "WorkerPoolSize", "WorkerQueueSize", "CoreWorkerPoolSize", "ActiveCount", "CompletedTaskCount",
                                "MaximumPoolSize", "QueueSize", "PoolSize"}) {
                            try {
                                line.append(' ').append(a).append('=').append(server.getAttribute(name, a));
                            } catch (Exception e) {
                                // not an attribute of this bean
                            }
                        }
                    }
                }
                if (first) {
                    for (Thread t : Thread.getAllStackTraces().keySet()) {
                        StringBuilder chain = new StringBuilder();
                        try {
                            Object r = runnableOf(t);
                            chain.append(r == null ? "null" : r.getClass().getName());
                        } catch (RuntimeException e) {
                            chain.append(e.getClass().getSimpleName());
                        }
                        System.err.println("thread \"" + t.getName() + "\" " + t.getClass().getName() + " runs " + chain);
                    }
                }
                first = false;
                for (Map.Entry<Object, String> pool : pools().entrySet()) {
                    line.append(" | reflect ").append(pool.getKey().getClass().getName()).append(pool.getValue());
                }
                System.err.println(line);
            } catch (Throwable e) {
                System.err.println("report failed: " + e);
            }
        }
    }

    /** The pools the live threads run for, reached from each thread's Runnable, with their public figures. */
    private static Map<Object, String> pools() throws Exception {
        Map<Object, String> pools = new IdentityHashMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            Object pool;
            try {
                pool = poolOf(runnableOf(t));
            } catch (RuntimeException e) {
                continue; // a JDK class (java.util.concurrent): not a server's pool, and closed to reflection
            }
            if (pool != null && !pools.containsKey(pool)) {
                StringBuilder figures = new StringBuilder();
                for (String getter : GETTERS) {
                    try {
                        Method m = pool.getClass().getMethod(getter);
                        figures.append(' ').append(getter.substring(3)).append('=').append(m.invoke(pool));
                    } catch (NoSuchMethodException e) {
                        // not this pool's
                    }
                }
                pools.put(pool, figures.toString());
            }
        }
        return new LinkedHashMap<>(pools);
    }

    /** java.lang.Thread's Runnable: {@code holder.task} on JDK 21+, {@code target} before. */
    static Object runnableOf(Thread t) throws Exception {
        try {
            Field holder = Thread.class.getDeclaredField("holder");
            holder.setAccessible(true);
            Object h = holder.get(t);
            if (h == null) {
                return null;
            }
            Field task = h.getClass().getDeclaredField("task");
            task.setAccessible(true);
            return task.get(h);
        } catch (NoSuchFieldException e) {
            Field target = Thread.class.getDeclaredField("target");
            target.setAccessible(true);
            return target.get(t);
        }
    }

    /** Unwraps a thread's Runnable to the pool it works for: a wrapped Runnable field, then the enclosing instance. */
    static Object poolOf(Object runnable) throws Exception {
        for (int depth = 0; runnable != null && depth < 4; depth++) {
            String name = runnable.getClass().getName();
            if (name.endsWith("ThreadPoolExecutor") || name.endsWith("QueuedThreadPool") || name.endsWith("EnhancedQueueExecutor")) {
                return runnable;
            }
            Object next = null;
            for (Field f : runnable.getClass().getDeclaredFields()) {
                if (f.getName().equals("this$0") || (Runnable.class.isAssignableFrom(f.getType()) && !f.getName().equals("firstTask"))) {
                    f.setAccessible(true);
                    next = f.get(runnable);
                    if (f.getName().equals("this$0")) {
                        break;
                    }
                }
            }
            runnable = next;
        }
        return null;
    }
}
