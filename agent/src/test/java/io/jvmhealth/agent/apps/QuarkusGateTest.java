package io.jvmhealth.agent.apps;

import io.jvmhealth.agent.health.CheckResult;
import io.jvmhealth.agent.health.Status;
import io.quarkus.runtime.Application;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.instrument.Instrumentation;
import java.lang.reflect.Proxy;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code app:quarkus} against a stand-in of Quarkus' {@code Application} (test sources, io.quarkus.runtime). */
class QuarkusGateTest {
    private volatile Class<?>[] loaded = {String.class, QuarkusGateTest.class};
    private final Instrumentation instrumentation = (Instrumentation) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] {Instrumentation.class}, (proxy, method, args) -> {
                if (method.getName().equals("getAllLoadedClasses")) {
                    return loaded;
                }
                throw new UnsupportedOperationException(method.getName());
            });
    private final CountDownLatch release = new CountDownLatch(1);
    private final CountDownLatch entered = new CountDownLatch(1);
    private Thread starter;

    /** What Keycloak's generated ApplicationImpl is to Application. */
    final class App extends Application {
        @Override
        protected void doStart(String[] args) {
            entered.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        protected void doStop() {
        }

        @Override
        public String getName() {
            return "test";
        }
    }

    @AfterEach
    void noApplicationLeft() throws InterruptedException {
        release.countDown();
        if (starter != null) {
            starter.join(5000);
        }
        Application current = Application.currentApplication();
        if (current != null) {
            current.endStop();
        }
        System.clearProperty("kc.config.rebuild-check");
    }

    @Test
    void waitsForTheApplicationToHaveStartedThenJudgesItsStop() throws Exception {
        QuarkusGate gate = new QuarkusGate("app:quarkus", instrumentation, 0);
        CheckResult r = gate.evaluate();
        assertEquals(Status.UNHEALTHY, r.status());
        assertEquals(QuarkusGate.WAITING + "io.quarkus.runtime.Application is not loaded", r.reason());

        loaded = new Class<?>[] {String.class, Application.class, App.class};
        r = gate.evaluate();
        assertEquals(QuarkusGate.WAITING + "no application has been started in this JVM", r.reason());

        App app = new App();
        starter = new Thread(() -> app.start(new String[0]), "main-like");
        starter.start();
        assertTrue(entered.await(5, TimeUnit.SECONDS));
        r = gate.evaluate();
        assertEquals(QuarkusGate.WAITING + "Application.start has not returned yet", r.reason());
        assertEquals("starting", r.details().get("state"));
        assertFalse(gate.passesNow());

        release.countDown();
        starter.join(5000);
        assertTrue(gate.passesNow());
        r = gate.evaluate();
        assertEquals(Status.HEALTHY, r.status());
        assertEquals(App.class.getName(), r.details().get("application"));
        assertTrue(gate.judgesReadinessOncePassed());
        assertTrue(gate.stillPassesNow());

        app.beginStop(); // Application.stop's first step: STOPPING, before the shutdown tasks and the HTTP server's close
        assertFalse(gate.stillPassesNow());
        r = gate.evaluate();
        assertEquals(Status.UNHEALTHY, r.status());
        assertEquals(QuarkusGate.STOPPED + "Application.isStarted() is false: it is stopping", r.reason());
        app.endStop();
        assertFalse(gate.stillPassesNow());
        assertEquals(Status.UNHEALTHY, gate.evaluate().status());
    }

    /** kc.sh's rebuild-check JVM loads Quarkus but starts no application: waits as long as it lives, and says why. */
    @Test
    void aJvmThatOnlyBuildsNeverPassesAndSaysSo() {
        System.setProperty("kc.config.rebuild-check", "true");
        loaded = new Class<?>[] {Application.class};
        QuarkusGate gate = new QuarkusGate("app:quarkus", instrumentation, 0);
        for (int i = 0; i < 100; i++) {
            assertFalse(gate.passesNow());
        }
        CheckResult r = gate.evaluate();
        assertEquals(Status.UNHEALTHY, r.status());
        assertTrue(r.reason().contains("this is kc.sh's rebuild-check JVM"), r.reason());
    }

    /** Only io.quarkus.runtime.Application's shape is asked its name. */
    @Test
    void classesAreTestedByShapeBeforeTheirName() {
        assertTrue(QuarkusGate.mayBeApplication(Application.class));
        assertFalse(QuarkusGate.mayBeApplication(App.class), "a subclass extends Application, not Object");
        assertFalse(QuarkusGate.mayBeApplication(java.io.Closeable.class));
        assertFalse(QuarkusGate.mayBeApplication(java.io.InputStream.class), "the JDK's own (no class loader)");
    }
}
