package io.jvmhealth.agent.it.webapp;

import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A web application's start-up work, for StandaloneServersIT: registered in the test webapp's WEB-INF/web.xml (its
 * class file is copied into WEB-INF/classes), it holds the deployment for {@code -Dstandalone.start.delay.millis}
 * (default 1500), as a real application's context initialization does. The server deploys it before its connectors
 * start serving, so the server is visibly starting for that long. Never loaded by the tests' own JVM.
 */
public final class SlowStartListener implements ServletContextListener {
    @Override
    public void contextInitialized(ServletContextEvent event) {
        long millis = Long.getLong("standalone.start.delay.millis", 1500L);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        long left;
        while ((left = deadline - System.nanoTime()) > 0) {
            LockSupport.parkNanos(left);
        }
        event.getServletContext().log("SlowStartListener: held the deployment for " + millis + " ms");
    }
}
