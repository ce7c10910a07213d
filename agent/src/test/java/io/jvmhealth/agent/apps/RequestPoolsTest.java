package io.jvmhealth.agent.apps;

import io.jvmhealth.agent.health.checks.hang.PoolThreads;
import io.jvmhealth.agent.health.checks.hang.RequestPool;
import io.jvmhealth.agent.health.checks.hang.RequestPools;
import org.junit.jupiter.api.Test;

import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.AttributeNotFoundException;
import javax.management.DynamicMBean;
import javax.management.MBeanInfo;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each server's request pools from MBeans named and shaped as the servers register them (Tomcat 10.1 embedded and
 * standalone, Jetty 12.1 with jetty-jmx and a StatisticsHandler, XNIO 3.8 with and without jboss-threads statistics:
 * the names recorded in docs/checks.md, hang), in a private MBeanServer; and which servers each recognizer names.
 */
class RequestPoolsTest {
    private final MBeanServer mbeans = MBeanServerFactory.newMBeanServer();

    /** An MBean with fixed attributes. */
    private static final class Fixed implements DynamicMBean {
        private final Map<String, Object> values = new LinkedHashMap<>();

        Fixed with(String name, Object value) {
            values.put(name, value);
            return this;
        }

        @Override
        public Object getAttribute(String attribute) throws AttributeNotFoundException {
            if (!values.containsKey(attribute)) {
                throw new AttributeNotFoundException(attribute);
            }
            return values.get(attribute);
        }

        @Override
        public void setAttribute(Attribute attribute) {
            throw new UnsupportedOperationException();
        }

        @Override
        public AttributeList getAttributes(String[] attributes) {
            return new AttributeList();
        }

        @Override
        public AttributeList setAttributes(AttributeList attributes) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Object invoke(String actionName, Object[] params, String[] signature) {
            throw new UnsupportedOperationException();
        }

        @Override
        public MBeanInfo getMBeanInfo() {
            return new MBeanInfo(Fixed.class.getName(), "test", null, null, null, null);
        }
    }

    private void register(String name, Fixed bean) throws Exception {
        mbeans.registerMBean(bean, new ObjectName(name));
    }

    private List<RequestPool> read(RequestPools pools) throws Exception {
        List<RequestPool> into = new ArrayList<>();
        pools.read(mbeans, new PoolThreads(), into);
        return into;
    }

    @Test
    void embeddedTomcatsConnectorPoolAndItsRequestCount() throws Exception {
        register("Tomcat:type=ThreadPool,name=\"http-nio-8080\"", new Fixed().with("currentThreadsBusy", 4).with("maxThreads", 4));
        register("Tomcat:type=GlobalRequestProcessor,name=\"http-nio-8080\"", new Fixed().with("requestCount", 379));
        List<RequestPool> pools = read(new TomcatPools());
        assertEquals(1, pools.size(), pools.toString());
        RequestPool p = pools.get(0);
        assertEquals("tomcat http-nio-8080", p.key());
        assertEquals(4, p.busy());
        assertEquals(4, p.max());
        assertEquals(379, p.completed());
        assertNull(p.note());
    }

    @Test
    void standaloneTomcatsSharedExecutorStandsForItsConnectors() throws Exception {
        register("Catalina:type=Executor,name=tomcatThreadPool", new Fixed().with("activeCount", 150).with("maxThreads", 150)
                .with("completedTaskCount", 12345L));
        register("Catalina:type=ThreadPool,name=\"http-nio-8080\"", new Fixed().with("currentThreadsBusy", 150).with("maxThreads", -1));
        register("Catalina:type=ThreadPool,name=\"ajp-nio-8009\"", new Fixed().with("currentThreadsBusy", 0).with("maxThreads", 200));
        List<RequestPool> pools = read(new TomcatPools());
        assertEquals(List.of("tomcat tomcatThreadPool", "tomcat ajp-nio-8009"), pools.stream().map(RequestPool::key).toList());
        assertEquals(12345, pools.get(0).completed());
        assertEquals(-1, pools.get(1).completed(), "no GlobalRequestProcessor: not counted");
        assertTrue(pools.get(1).note().startsWith("no request count"), pools.get(1).note());
    }

    @Test
    void tomcatWithoutMBeansOrThreadsHasNoPool() throws Exception {
        assertEquals(List.of(), read(new TomcatPools()), "no TaskThread in this JVM: nothing found, nothing guessed");
    }

    @Test
    void jettysPoolCountsCompletionsFromItsStatisticsHandler() throws Exception {
        register("org.eclipse.jetty.util.thread:context=oejs_Server@2aa3cd93,type=queuedthreadpool,id=0",
                new Fixed().with("busyThreads", 6).with("maxThreads", 6).with("name", "qtp947679291"));
        register("org.eclipse.jetty.server.handler:context=oejs_Server@2aa3cd93,type=statisticshandler,id=0",
                new Fixed().with("requests", 367).with("requestsActive", 4));
        List<RequestPool> pools = read(new JettyPools());
        assertEquals(1, pools.size());
        assertEquals("jetty qtp947679291", pools.get(0).key());
        assertEquals(6, pools.get(0).busy());
        assertEquals(363, pools.get(0).completed(), "requests handled less those still active");
        assertNull(pools.get(0).note());
    }

    @Test
    void jettyWithoutAStatisticsHandlerCountsNothingAndSaysSo() throws Exception {
        register("org.eclipse.jetty.util.thread:type=queuedthreadpool,id=0", new Fixed().with("busyThreads", 6).with("maxThreads", 6));
        List<RequestPool> pools = read(new JettyPools());
        assertEquals(-1, pools.get(0).completed());
        assertEquals(JettyPools.NO_COUNT, pools.get(0).note());
        assertEquals("jetty type=queuedthreadpool,id=0", pools.get(0).key(), "no name attribute: the MBean's keys");
    }

    @Test
    void undertowsXnioWorkerWithAndWithoutJbossThreadsStatistics() throws Exception {
        register("org.xnio:type=Xnio,provider=\"nio\",worker=\"XNIO-1\"", new Fixed().with("BusyWorkerThreadCount", -1)
                .with("MaxWorkerPoolSize", 4));
        register("jboss.threads:name=\"XNIO-1\",type=thread-pool", new Fixed().with("CompletedTaskCount", -1L));
        List<RequestPool> pools = read(new UndertowPools());
        assertEquals("undertow XNIO-1", pools.get(0).key());
        assertEquals(-1, pools.get(0).busy());
        assertEquals(UndertowPools.NOT_TRACKED, pools.get(0).note());

        mbeans.unregisterMBean(new ObjectName("org.xnio:type=Xnio,provider=\"nio\",worker=\"XNIO-1\""));
        mbeans.unregisterMBean(new ObjectName("jboss.threads:name=\"XNIO-1\",type=thread-pool"));
        register("org.xnio:type=Xnio,provider=\"nio\",worker=\"XNIO-1\"", new Fixed().with("BusyWorkerThreadCount", 4)
                .with("MaxWorkerPoolSize", 4));
        register("jboss.threads:name=\"XNIO-1\",type=thread-pool", new Fixed().with("CompletedTaskCount", 369L));
        RequestPool p = read(new UndertowPools()).get(0);
        assertEquals(4, p.busy());
        assertEquals(369, p.completed());
        assertNull(p.note());
    }

    @Test
    void withoutTheApplicationsMBeanServerOnlyThreadsTell() throws Exception {
        List<RequestPool> into = new ArrayList<>();
        new UndertowPools().read(null, new PoolThreads(), into);
        new JettyPools().read(null, new PoolThreads(), into);
        assertEquals(List.of(), into);
    }

    @Test
    void eachServerIsSoughtOnceWhateverRecognizesIt() {
        List<RequestPools> sources = Applications.requestPools(List.of(Recognizers.named("spring-boot"), Recognizers.named("tomcat"), Recognizers.named("jetty"), Recognizers.named("kafka-broker")));
        assertEquals(List.of("tomcat", "jetty", "undertow"), sources.stream().map(RequestPools::server).toList());
        assertEquals(List.of("tomcat"), Applications.requestPools(List.of(Recognizers.named("tomcat"))).stream().map(RequestPools::server).toList());
        assertEquals(List.of(), Applications.requestPools(List.of(Recognizers.named("kafka-broker"))), "no request pool of its own");
    }
}
