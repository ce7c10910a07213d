package io.jvmhealth.agent.apps;

import io.jvmhealth.agent.health.CheckResult;
import io.jvmhealth.agent.health.Status;

import java.io.Closeable;
import java.lang.instrument.Instrumentation;
import java.lang.ref.WeakReference;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code app:quarkus}: passes once Quarkus' application has started, {@code io.quarkus.runtime.Application.isStarted()}
 * true. No bytecode: {@code Application.currentApplication()} (a static volatile field) and {@code isStarted()} (one int
 * field, {@code state == ST_STARTED}, no lock: read in Quarkus 3.27's bytecode) are called by reflection on the
 * evaluator thread; neither can block.
 *
 * <p>Why {@code isStarted()} also means "its HTTP server listens": {@code Application.start} runs the generated
 * {@code doStart}, whose last recorded step is Vert.x HTTP's {@code openSocket} (Quarkus binds the HTTP port only once
 * every other start-up step, the {@code StartupEvent} observers included, is done), then logs "started in ... Listening
 * on", and only then sets {@code ST_STARTED}. So the port listens, with its routes in place, before the gate can pass;
 * and an application without an HTTP server (a command-mode or messaging application) passes when it has started,
 * instead of waiting for a port that never opens. The gap between the bind and {@code isStarted()} is the start-up
 * line's logging (docs/gates.md has the figures). {@code Application} being loaded proves nothing (re-augmentation loads
 * it as a build step, in a class loader of its own); a started application does.
 *
 * <p>Never gives up: a JVM launched by Quarkus' launcher that never starts an application is a JVM that only builds
 * (kc.sh's rebuild-check JVM, {@code -Dquarkus.launch.rebuild=true}) or a command that ends without serving
 * ({@code kc.sh show-config}), and it must never answer ready for the pod; the reason says what it waits for, and names
 * the rebuild check where Keycloak says so ({@code kc.config.rebuild-check=true}).
 *
 * <p>How the class is found: among the loaded classes (the agent's instrumentation), at most every {@link #SCAN_MILLIS}
 * while no started application is known, each class tested first by what costs nothing (a loader, public abstract,
 * extends Object, {@code Closeable}) before its name is asked. The classes found are held weakly (a build's class loader
 * must be able to go), the started application strongly (it is the running one). Once passed, it keeps judging
 * readiness: {@code isStarted()} turns false as {@code Application.stop} begins (state STOPPING, before Quarkus' shutdown
 * tasks and the HTTP server's close), read every {@link #WATCH_MILLIS}. A later application (dev mode's restart) is
 * found again by the scan.
 */
final class QuarkusGate extends ServingGate {
    static final String APPLICATION = "io.quarkus.runtime.Application";
    static final long SCAN_MILLIS = 500;
    static final String WAITING = "waiting for Quarkus' application to start (Application.isStarted(): every start-up step done, the HTTP port bound last): ";
    static final String STOPPED = "Quarkus' application does not serve: ";
    /** Classes named {@link #APPLICATION} held at most (one per class loader that loaded Quarkus' runtime). */
    static final int MAX_CLASSES = 8;

    private final Instrumentation instrumentation;
    private final List<WeakReference<Class<?>>> classes = new ArrayList<WeakReference<Class<?>>>();
    private final long scanNanos;
    private long lastScan;
    private boolean scanned;
    /** The application seen started, and its isStarted (evaluator thread). */
    private Object application;
    private Method isStarted;
    private boolean passed;
    private String lastFailure;

    QuarkusGate(Recognizer recognizer, Instrumentation instrumentation) {
        this(recognizer.gateName(), instrumentation, SCAN_MILLIS);
    }

    QuarkusGate(String name, Instrumentation instrumentation, long scanMillis) {
        super(name);
        this.instrumentation = instrumentation;
        this.scanNanos = TimeUnit.MILLISECONDS.toNanos(scanMillis);
    }

    @Override
    public boolean passesNow() {
        return startedApplication() != null;
    }

    @Override
    public boolean stillPassesNow() {
        Object app = application;
        return app != null && isStarted(app, isStarted);
    }

    @Override
    public CheckResult evaluate() {
        Map<String, Object> details = new LinkedHashMap<String, Object>();
        Object app = startedApplication();
        if (app != null) {
            passed = true;
            details.put("application", app.getClass().getName());
            details.put("state", "started");
            return CheckResult.healthy(details);
        }
        String prefix = passed ? STOPPED : WAITING;
        if (lastFailure != null) {
            details.put("readFailed", lastFailure);
        }
        if (classes.isEmpty()) {
            return CheckResult.of(Status.UNHEALTHY, prefix + APPLICATION + " is not loaded" + buildNote(), details);
        }
        Object current = application != null ? application : anyCurrent();
        if (current == null) {
            details.put("state", "none");
            return CheckResult.of(Status.UNHEALTHY, prefix + "no application has been started in this JVM" + buildNote(), details);
        }
        details.put("application", current.getClass().getName());
        details.put("state", passed ? "stopping or stopped" : "starting");
        return CheckResult.of(Status.UNHEALTHY, prefix + (passed ? "Application.isStarted() is false: it is stopping"
                : "Application.start has not returned yet"), details);
    }

    /** Why a JVM that never starts an application never will: said where the JVM says what it is for. */
    private static String buildNote() {
        if ("true".equals(System.getProperty("kc.config.rebuild-check"))) {
            return " (this is kc.sh's rebuild-check JVM, kc.config.rebuild-check=true: it builds and exits, the server JVM comes next)";
        }
        if ("true".equals(System.getProperty("quarkus.launch.rebuild"))) {
            return " (this JVM re-augments the application, quarkus.launch.rebuild=true, and exits)";
        }
        return "";
    }

    /** The started application (the one known, else one of the classes', scanning for more when due), or null. */
    private Object startedApplication() {
        Object app = application;
        if (app != null && isStarted(app, isStarted)) {
            return app;
        }
        app = startedAmongClasses();
        if (app != null) {
            return app;
        }
        long now = System.nanoTime();
        if (scanned && now - lastScan < scanNanos) {
            return null;
        }
        scanned = true;
        lastScan = now;
        if (scan()) {
            return startedAmongClasses();
        }
        return null;
    }

    private Object startedAmongClasses() {
        for (Iterator<WeakReference<Class<?>>> it = classes.iterator(); it.hasNext(); ) {
            Class<?> c = it.next().get();
            if (c == null) {
                it.remove();
                continue;
            }
            Object app = current(c);
            if (app == null) {
                continue;
            }
            Method started = method(app.getClass(), "isStarted");
            if (started != null && isStarted(app, started)) {
                application = app;
                isStarted = started;
                return app;
            }
        }
        return null;
    }

    /** Any class's current application (started or not), or null. */
    private Object anyCurrent() {
        for (WeakReference<Class<?>> ref : classes) {
            Class<?> c = ref.get();
            Object app = c == null ? null : current(c);
            if (app != null) {
                return app;
            }
        }
        return null;
    }

    /** Adds the loaded classes named {@link #APPLICATION} not known yet; true when one was added. */
    private boolean scan() {
        if (instrumentation == null || classes.size() >= MAX_CLASSES) {
            return false;
        }
        boolean added = false;
        for (Class<?> c : instrumentation.getAllLoadedClasses()) {
            if (mayBeApplication(c) && APPLICATION.equals(c.getName()) && !known(c)) {
                classes.add(new WeakReference<Class<?>>(c));
                added = true;
                if (classes.size() >= MAX_CLASSES) {
                    break;
                }
            }
        }
        return added;
    }

    /**
     * What {@code io.quarkus.runtime.Application} is, tested without asking a class its name ({@code Class.getName}
     * builds and keeps a string in every class it is asked of): loaded by a class loader, a public abstract class that
     * extends Object and is {@link Closeable}.
     */
    static boolean mayBeApplication(Class<?> c) {
        int m = c.getModifiers();
        return c.getClassLoader() != null && Modifier.isPublic(m) && Modifier.isAbstract(m) && !c.isInterface()
                && c.getSuperclass() == Object.class && Closeable.class.isAssignableFrom(c);
    }

    private boolean known(Class<?> c) {
        for (WeakReference<Class<?>> ref : classes) {
            if (ref.get() == c) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code Application.currentApplication()}, or null. (The class has no static initializer: calling it on a class
     * not initialized yet runs no code of Quarkus'.)
     */
    private Object current(Class<?> c) {
        Method m = method(c, "currentApplication");
        if (m == null) {
            return null;
        }
        try {
            return m.invoke(null);
        } catch (Throwable e) {
            lastFailure = "currentApplication(): " + e.getClass().getName();
            return null;
        }
    }

    private boolean isStarted(Object app, Method started) {
        if (started == null) {
            return false;
        }
        try {
            return Boolean.TRUE.equals(started.invoke(app));
        } catch (Throwable e) {
            lastFailure = "isStarted(): " + e.getClass().getName();
            return false;
        }
    }

    private Method method(Class<?> c, String methodName) {
        try {
            return c.getMethod(methodName);
        } catch (Throwable e) {
            lastFailure = methodName + "(): " + e.getClass().getName();
            return null;
        }
    }
}
