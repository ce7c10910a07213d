package io.jvmhealth.agent.gates;

import io.jvmhealth.agent.health.CheckResult;
import io.jvmhealth.agent.health.Status;
import io.jvmhealth.agent.testing.Poll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Collections;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A framework recognized from the main class but never started in this run must not hold /started forever. */
class NeverLoadedTest {

    @Test
    void aRecognizedFrameworkWhoseClassNeverLoadsPassesAfterTheBoundWithTheReason() {
        MethodGate tomcat = new MethodGate("app:tomcat", "org.apache.catalina.core.StandardService", "startInternal",
                "Tomcat's connectors to start and listen", null, new NeverLoaded("tomcat", 300));
        tomcat.installed(false, Collections.<Thread>emptyList(), false);
        CheckResult first = tomcat.evaluate();
        assertEquals(Status.UNHEALTHY, first.status());
        assertTrue(first.reason().contains("has not been loaded yet"), first.reason());
        CheckResult passed = Poll.until("the gate gives up on a class that never loads", Duration.ofSeconds(5),
                tomcat::evaluate, r -> r.status() == Status.HEALTHY);
        assertTrue(String.valueOf(passed.details().get("decidedBy")).contains("does not start tomcat"), passed.details().toString());
    }

    @Test
    void aRecognizedFrameworkWhoseClassLoadedStillWaitsForItsStart() {
        MethodGate jetty = new MethodGate("app:jetty", "org.eclipse.jetty.server.Server", "doStart",
                "Jetty's connectors to start and listen", null, new NeverLoaded("jetty", 0));
        jetty.installed(true, Collections.<Thread>emptyList(), false);
        CheckResult r = jetty.evaluate();
        assertEquals(Status.UNHEALTHY, r.status(), "a loaded class means the framework runs: wait for its start");
        assertTrue(r.reason().contains("has not returned yet"), r.reason());
    }

    @Test
    void anExplicitReadyAfterMethodKeepsWaitingAndSaysItsClassHasNotLoaded() {
        MethodGate asked = new MethodGate("after:com.acme.App.start", "com.acme.App", "start", "com.acme.App#start to return", null, null);
        asked.installed(false, Collections.<Thread>emptyList(), false);
        CheckResult r = asked.evaluate();
        assertEquals(Status.UNHEALTHY, r.status());
        assertTrue(r.reason().contains("class com.acme.App has not been loaded yet"), r.reason());
    }

    /** A server's method gate whose class loaded keeps waiting past the bound: its server object may be built long before it starts. */
    @Test
    void aLoadedClassWhoseMethodNeverReturnedKeepsItsGateWaiting() {
        String cls = "com.acme.BuiltEarly";
        io.jvmhealth.agent.boot.Signals.forget(cls + ".start");
        MethodGate server = new MethodGate("app:tomcat", cls, "start", "start to return", null, new NeverLoaded("tomcat", 0));
        server.installed(false, Collections.<Thread>emptyList(), false);
        server.classSeen();
        assertTrue(!server.passesNow(), "loaded: waits for the return, whatever the bound");
        CheckResult r = server.evaluate();
        assertEquals(Status.UNHEALTHY, r.status());
        assertTrue(r.reason().contains("is loaded, start has not returned yet"), r.reason());
    }
}
