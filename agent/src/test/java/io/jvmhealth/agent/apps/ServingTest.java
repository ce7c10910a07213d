package io.jvmhealth.agent.apps;

import org.apache.catalina.Service;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the Tomcat and Jetty gates read, once passed, to tell that the server stopped serving: real embedded servers
 * (test class path), their own getters through reflection, the reasons the gates give.
 */
class ServingTest {
    @TempDir
    Path base;

    /** CPU time of one watch look (the median of 20 batches of 1,000, after 20,000 to warm up): printed, not asserted. */
    static void printCost(String what, Runnable look) {
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 20_000; i++) {
            look.run();
        }
        java.util.List<Long> batches = new java.util.ArrayList<>();
        for (int b = 0; b < 20; b++) {
            long cpu = threads.getCurrentThreadCpuTime();
            for (int i = 0; i < 1000; i++) {
                look.run();
            }
            batches.add(threads.getCurrentThreadCpuTime() - cpu);
        }
        java.util.Collections.sort(batches);
        System.out.println("[ServingTest] one watch look at " + what + ": " + batches.get(10) / 1000 + " ns of CPU (median of 20 x 1,000)");
    }

    private static void assertEndsWith(String end, String start, String actual) {
        assertTrue(actual != null && actual.startsWith(start) && actual.endsWith(end), actual);
    }

    @Test
    void tomcatsServiceStateAndItsConnectors() throws Exception {
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(base.toString());
        tomcat.setPort(0);
        Connector connector = tomcat.getConnector();
        tomcat.addContext("", null);
        tomcat.start();
        Service service = tomcat.getService();
        io.jvmhealth.agent.apps.Tomcat.Service serving = new io.jvmhealth.agent.apps.Tomcat.Service();
        try {
            assertEquals("stopInternal", serving.stopMethod());
            assertNull(serving.stopped(service), "started: serving");
            printCost("Tomcat's service and one connector", () -> serving.stopped(service));
            int port = connector.getLocalPort();
            connector.pause();
            assertEquals("Tomcat's connector on port " + port + " is paused", serving.stopped(service));
            connector.resume();
            assertNull(serving.stopped(service), "resumed");
            connector.stop();
            assertEndsWith("has stopped (state STOPPED)", "Tomcat's connector ", serving.stopped(service));
            connector.start();
            assertNull(serving.stopped(service));
        } finally {
            tomcat.stop();
        }
        assertEquals("Tomcat's service has stopped (state STOPPED)", serving.stopped(service));
        tomcat.destroy();
        assertEquals("Tomcat's service has stopped (state DESTROYED)", serving.stopped(service));
    }

    @Test
    void jettysServerStateAndItsConnectors() throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setPort(0);
        server.addConnector(connector);
        server.start();
        Jetty.ServerState serving = new Jetty.ServerState();
        try {
            assertEquals("doStop", serving.stopMethod());
            assertNull(serving.stopped(server), "started: serving");
            printCost("Jetty's server and one connector", () -> serving.stopped(server));
            connector.close();
            assertEndsWith("is closed", "Jetty's connector ", serving.stopped(server)); // port 0: its local port is gone once closed
            connector.stop();
            assertEndsWith("has stopped (state STOPPED)", "Jetty's connector ", serving.stopped(server));
            connector.start();
            assertNull(serving.stopped(server), "opened and started again");
        } finally {
            server.stop();
        }
        assertEquals("Jetty's server has stopped (state STOPPED)", serving.stopped(server));
    }
}
