package io.jvmhealth.agent.gates;

import io.jvmhealth.agent.boot.GateSignal;
import io.jvmhealth.agent.health.CheckResult;
import io.jvmhealth.agent.health.HealthCheck;
import io.jvmhealth.agent.health.Publisher;
import io.jvmhealth.agent.health.Role;
import io.jvmhealth.agent.health.Status;

import java.lang.ref.WeakReference;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A startup gate that passes once a method has returned normally: {@code ready.after} methods
 * ({@code after:Class.method}) and the recognized frameworks' start methods ({@code app:NAME}).
 *
 * <p>How it decides, in order: (1) the instrumented method's outermost call returned normally
 * ({@link GateSignal}); (2) attached to a running JVM: the class had been loaded before the agent
 * began watching for it and no thread was inside the method: it counts as having returned already
 * (no gate may hold {@code /started} forever in an application that is up); at JVM start such a
 * class (it loaded in the few ms before the watch began) waits for the method's next return;
 * (3) threads that were inside the method at that moment (running code that cannot get the advice)
 * have all left it; (4) the instrumentation could not be installed: the gate passes, with a
 * warning, rather than hold readiness forever. A class that loads after the watch began always
 * gets the advice ({@link ClassWatch}). Otherwise it waits, and its reason says
 * whether the class has been loaded yet. A framework gate may add a condition checked after the
 * return ({@link AfterReturn}: its connectors listening), and stops waiting ({@link NeverLoaded}) when
 * its class did not load within 60 s of the agent's start.
 *
 * <p>A framework gate with {@link Serving} goes on judging readiness once passed: it fails when the
 * server it watches stops serving while the JVM lives on. Two ways see that: the server's stop method
 * (advice on its entry, {@link GateSignal#stopsAt}) publishes the gate failed on the stopping thread,
 * before the method's body runs (before the server closes its connectors); and the evaluator asks the
 * server's getters every {@link #WATCH_MILLIS} ({@link #stillPassesNow()}), which sees a stop by any
 * other path (a connector paused or stopped alone). The instance watched is the one the start method
 * returned on, or the one the stop method was entered on; where neither is known (attached after the
 * start, or the instrumentation failed) the details say what is not watched.
 */
public final class MethodGate implements HealthCheck {
    /** A condition checked once the method has returned, on the instance it returned on (or null). */
    public interface AfterReturn {
        /** Null when met; otherwise what is still awaited. */
        String pending(Object self, Map<String, Object> details);
    }


    /**
     * Whether a server that started still serves: read from its own getters (plain field reads: no lock, no I/O),
     * on the evaluator thread every {@link #WATCH_MILLIS} and on the application's thread that enters the stop method.
     */
    public interface Serving {
        /** The method of the gated class whose entry means the instance begins to stop serving, or null. */
        String stopMethod();

        /** Null while {@code instance} serves; otherwise what shows it does not ("Tomcat's service is stopping (state STOPPING_PREP)"). May throw. */
        String stopped(Object instance);

        /** The reason when the stop method was entered and {@link #stopped} cannot tell more. */
        String stopping();
    }

    /** How often a passed gate with {@link Serving} asks its server whether it still serves. */
    public static final long WATCH_MILLIS = 50;

    final String name;
    /** {@code binary.ClassName.method}, as the advice reports it. */
    final String key;
    final String className;
    final String methodName;
    private final String waitingFor;
    private final AfterReturn afterReturn;
    /** For a recognized framework's gate: its bound on a class that never loads; null for ready.after. */
    private final NeverLoaded neverLoaded;
    /** For a recognized server's gate: how it tells that the server stopped serving; null otherwise. */
    private final Serving serving;
    /** The stop method's name, and {@code binary.ClassName.stopMethod}; null without one. */
    final String stopMethod;
    final String stopKey;
    /** The instance the stop method was entered on (known even where the start's was not: attached later). */
    private volatile WeakReference<Object> stoppedInstance;
    /** The details of the first pass (evaluator thread), repeated by later evaluations. */
    private volatile Map<String, Object> passedDetails;
    /** Set once the gate passed: only a passed gate can stop serving. */
    private volatile boolean passedOnce;
    private volatile Publisher publisher;

    private volatile boolean classLoaded;
    private volatile Runnable onChange;
    /** Told once when a framework's class did not load in time and its gate stopped waiting for it. */
    private volatile Runnable onGivenUp;
    private volatile String passedBecause;
    private volatile String instrumentationError;
    private volatile boolean instrumented;
    /**
     * Threads that were inside the method when the advice came (the class loaded before the agent's watch: at attach, or
     * at launch when the application got there first) cannot report their return: watched by their stacks (guarded by this).
     */
    private final InsideThreads insideAtInstall;

    MethodGate(String name, String className, String methodName, String waitingFor, AfterReturn afterReturn, NeverLoaded neverLoaded) {
        this(name, className, methodName, waitingFor, afterReturn, neverLoaded, null);
    }

    MethodGate(String name, String className, String methodName, String waitingFor, AfterReturn afterReturn, NeverLoaded neverLoaded,
               Serving serving) {
        this.neverLoaded = neverLoaded;
        this.serving = serving;
        this.stopMethod = serving == null ? null : serving.stopMethod();
        this.stopKey = stopMethod == null ? null : className + "." + stopMethod;
        this.insideAtInstall = new InsideThreads(className, methodName);
        this.name = name;
        this.className = className;
        this.methodName = methodName;
        this.key = className + "." + methodName;
        this.waitingFor = waitingFor;
        this.afterReturn = afterReturn;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Role role() {
        return Role.STARTUP;
    }

    /** A recognized server's gate goes on judging readiness once passed: {@code /ready} 503 when the server stops serving. */
    @Override
    public boolean judgesReadinessOncePassed() {
        return serving != null;
    }

    @Override
    public long watchMillis() {
        return serving == null ? 0 : WATCH_MILLIS;
    }

    /** The watch: the server's getters say it still serves (true where no instance is known: nothing to watch). */
    @Override
    public boolean stillPassesNow() {
        if (instrumentationError != null || !instrumented) {
            return true; // nothing to watch, and GateSignal may not be the bootstrap loader's: the agent must not load its own copy
        }
        Object self = instance();
        return self == null || serving.stopped(self) == null;
    }

    /** Called (from any thread, cheap) when what the gate reports changes: the evaluator publishes at once. */
    void onChange(Runnable r) {
        onChange = r;
    }

    /** Called once when the gate stopped waiting for a class that did not load ({@link NeverLoaded}). */
    void onGivenUp(Runnable r) {
        onGivenUp = r;
    }

    /** Where a server that stops serving is published at once. */
    void publisher(Publisher p) {
        publisher = p;
    }

    /**
     * On the application's thread, entering the stop method of {@code self}: once the gate has passed, publishes it
     * failed at once (before the stop's body runs). Quick: a few getters and one snapshot written.
     */
    void stopEntered(Object self) {
        if (self != null) {
            stoppedInstance = new WeakReference<Object>(self);
        }
        Publisher p = publisher;
        if (!passedOnce || serving == null || p == null) {
            return;
        }
        String why = null;
        try {
            why = self == null ? null : serving.stopped(self);
        } catch (Throwable ignored) {
            // the stop method's entry says it all the same
        }
        Map<String, Object> details = new LinkedHashMap<String, Object>();
        details.put("method", className + "#" + methodName);
        details.put("stopping", "seen entering " + stopMethod);
        p.stoppedServing(name, CheckResult.of(Status.UNHEALTHY, why != null ? why : serving.stopping(), details));
    }

    /** The instance watched: the one the start method returned on, else the one the stop method was entered on, else null. */
    private Object instance() {
        Object self = GateSignal.returnedBy(key);
        if (self == null) {
            WeakReference<Object> ref = stoppedInstance;
            self = ref == null ? null : ref.get();
        }
        return self;
    }

    /** Called by the installer when the class was transformed (loaded now, or retransformed). */
    void classSeen() {
        if (!classLoaded) {
            classLoaded = true;
            Runnable r = onChange;
            if (r != null) {
                r.run();
            }
        }
    }

    /** Called once the instrumentation is in place: what was seen of the class and threads at that moment. */
    synchronized void installed(boolean loadedThen, List<Thread> inside, boolean attached) {
        instrumented = true;
        if (loadedThen) {
            classLoaded = true;
            if (inside.isEmpty() && attached) {
                passedBecause = "class " + className + " was loaded before the agent was attached and no thread was inside "
                        + methodName + ": counted as already returned";
            } else {
                insideAtInstall.watch(inside); // their stacks were just read
            }
        }
    }

    void failed(String reason) {
        instrumentationError = reason;
    }

    @Override
    public CheckResult evaluate() {
        Map<String, Object> details = new LinkedHashMap<String, Object>();
        details.put("method", className + "#" + methodName);
        String because = decided();
        if (because != null) {
            details.put("decidedBy", because);
            if (serving != null && passedOnce) {
                // once passed, the server's own state decides (its connectors' ports are not read again: the socket tables
                // cost the kernel milliseconds per read, and a closed connector shows in its state); the details keep what
                // the pass found (its connectors' ports)
                Map<String, Object> found = passedDetails;
                if (found != null) {
                    details.putAll(found);
                }
                String stopped = servingNow(details);
                return stopped == null ? CheckResult.healthy(details) : CheckResult.of(Status.UNHEALTHY, stopped, details);
            }
            if (afterReturn != null && instrumentationError == null) {
                String pending = afterReturn.pending(GateSignal.returnedBy(key), details);
                if (pending != null) {
                    return CheckResult.of(Status.UNHEALTHY, waitingFor + ": " + pending, details);
                }
            }
            passedOnce = true;
            if (serving != null) {
                passedDetails = new LinkedHashMap<String, Object>(details);
                servingNow(details); // from the first healthy answer on, the details say what is watched
            }
            return CheckResult.healthy(details);
        }
        if (!instrumented) {
            return CheckResult.of(Status.UNHEALTHY, "waiting for " + waitingFor + " (instrumentation being installed)", details);
        }
        details.put("classLoaded", classLoaded);
        if (!classLoaded && neverLoaded != null && neverLoaded.givenUp(className, details) != null) {
            Runnable r = onGivenUp;
            onGivenUp = null;
            if (r != null) {
                r.run();
            }
            return CheckResult.healthy(details);
        }
        if (!classLoaded) {
            return CheckResult.of(Status.UNHEALTHY, "waiting for " + waitingFor + ": class " + className
                    + " has not been loaded yet", details);
        }
        return CheckResult.of(Status.UNHEALTHY, "waiting for " + waitingFor + ": class " + className
                + " is loaded, " + methodName + " has not returned yet", details);
    }

    /**
     * The gate poll (every 25 ms while pending): decides as {@link #evaluate()} does without building a result, except
     * once the method returned and a condition after the return is to be checked (its connectors).
     */
    @Override
    public boolean passesNow() {
        if (decided() != null) {
            return afterReturn == null || instrumentationError != null || evaluate().status() == Status.HEALTHY;
        }
        return instrumented && neverLoaded != null && neverLoaded.expired() && !classLoaded;
    }

    /** Once passed: null while the server serves, else why not; the details say what is watched. */
    private String servingNow(Map<String, Object> details) {
        if (instrumentationError != null) {
            details.put("stopWatch", "not watched: the instrumentation failed, no server instance is known");
            return null;
        }
        Object self = instance();
        if (self == null) {
            details.put("stopWatch", (stopMethod == null ? "not watched" : "only by " + stopMethod + "'s entry")
                    + ": no instance seen returning from " + methodName + " (the agent was attached after the server started)");
            return null;
        }
        details.put("stopWatch", "the server's state every " + WATCH_MILLIS + " ms" + (stopMethod == null ? "" : ", and " + stopMethod
                + "'s entry"));
        try {
            return serving.stopped(self);
        } catch (Throwable e) {
            details.put("stopWatch", "not watched: reading the server's state failed (" + e.getClass().getSimpleName() + ")");
            return null;
        }
    }

    /** Why the method counts as returned, or null. */
    private String decided() {
        if (instrumentationError != null) {
            return "instrumentation failed (" + instrumentationError + "): passed rather than hold readiness";
        }
        if (!instrumented) {
            return null; // GateSignal may not be in the bootstrap loader yet: the agent must not load its own copy
        }
        if (GateSignal.returned(key)) {
            return "returned normally";
        }
        String because = passedBecause;
        if (because != null) {
            return because;
        }
        synchronized (this) {
            if (!insideAtInstall.watching() || !insideAtInstall.left()) {
                return null;
            }
            passedBecause = "the threads that were inside " + methodName + " when the agent started have left it";
            return passedBecause;
        }
    }

    synchronized int insideReads() {
        return insideAtInstall.reads();
    }

    boolean isInside(StackTraceElement[] stack) {
        return insideAtInstall.isInside(stack);
    }
}
