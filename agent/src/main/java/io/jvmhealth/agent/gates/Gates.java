package io.jvmhealth.agent.gates;

import io.jvmhealth.agent.base.AgentLog;
import io.jvmhealth.agent.base.AgentThreads;
import io.jvmhealth.agent.boot.GateSignal;
import io.jvmhealth.agent.config.InvalidOptionException;
import io.jvmhealth.agent.config.OptionSpec;
import io.jvmhealth.agent.config.Settings;
import io.jvmhealth.agent.health.CheckNames;
import io.jvmhealth.agent.health.HealthCheck;
import io.jvmhealth.agent.health.Publisher;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The startup gates that wait for ports and methods: {@code ready.port}, {@code ready.after}, and the
 * method gates recognized applications ask for ({@link #methodGate}). Planned on the start thread:
 * {@link #plan} makes the option's gates, recognizers add theirs, and {@link #startWatching} registers
 * the {@link ClassWatch} at once and loads the instrumentation ({@link AdviceInstaller}: the advice on
 * ASM, from its nested jar) on a thread of its own ({@code jvm-health-gates}); {@link #checks} hands
 * the checks to the evaluator. On a host with no method gate no transformer is registered and no class
 * of the instrumentation is loaded.
 */
public final class Gates {
    /** {@code ready.port}: a {@code List<Integer>} of ports. */
    public static final OptionSpec READY_PORT = OptionSpec.of("ready.port", "",
            "ports this JVM itself must listen on: startup gates `port:N`, then readiness conditions ([gates.md](gates.md))",
            new OptionSpec.Parser() {
                @Override
                public Object parse(String key, String value, String origin) throws InvalidOptionException {
                    return ports(key, value, origin);
                }
            });
    /** {@code ready.after}: a {@code List<MethodSpec>}. */
    public static final OptionSpec READY_AFTER = OptionSpec.of("ready.after", "",
            "methods `Class#method` that must have returned normally once: startup gates `after:Class.method`",
            new OptionSpec.Parser() {
                @Override
                public Object parse(String key, String value, String origin) throws InvalidOptionException {
                    return methods(key, value, origin);
                }
            });
    public static final List<OptionSpec> OPTIONS = Arrays.asList(READY_PORT, READY_AFTER);

    private final Instrumentation instrumentation;
    private final boolean atLaunch;
    private final List<Integer> readyPorts;
    private final List<String> names = new ArrayList<String>();
    private final ListeningPorts ports = new ListeningPorts();
    private final List<MethodGate> methodGates = new ArrayList<MethodGate>();
    /** The {@code ready.after} gates: the method gates of this class's own checks (recognizers hand out theirs). */
    private final List<MethodGate> readyAfter = new ArrayList<MethodGate>();
    private final Map<String, List<MethodGate>> byClass = new HashMap<String, List<MethodGate>>();
    private final Set<String> hold = new HashSet<String>();
    private final Publisher.Deferred publisher = new Publisher.Deferred();
    private ClassWatch watch;
    private boolean closed;
    private final List<Class<?>> retransformed = new ArrayList<Class<?>>();
    private final List<Class<?>> loadedBeforeWatch = new ArrayList<Class<?>>();

    private Gates(List<Integer> readyPorts, List<MethodSpec> afterMethods, Instrumentation instrumentation, boolean atLaunch) {
        this.instrumentation = instrumentation;
        this.atLaunch = atLaunch;
        this.readyPorts = readyPorts;
        for (int port : readyPorts) {
            names.add(CheckNames.portGate(port));
        }
        for (MethodSpec m : afterMethods) {
            String name = CheckNames.methodGate(m.className, m.methodName);
            names.add(name);
            readyAfter.add(methodGate(name, m.className, m.methodName, m + " to return", null, null, true));
        }
    }

    /** The gates of {@code ready.port} and {@code ready.after}; recognizers add method gates before {@link #startWatching}. */
    @SuppressWarnings("unchecked")
    public static Gates plan(Settings settings, Instrumentation instrumentation, boolean atLaunch) {
        return new Gates(settings.get(READY_PORT.key(), List.class), settings.get(READY_AFTER.key(), List.class), instrumentation, atLaunch);
    }

    /**
     * Adds a gate that passes once {@code className#methodName} has returned normally (see {@link MethodGate}).
     * Before {@link #startWatching} only.
     *
     * @param after       a condition checked once it returned, or null
     * @param neverLoaded the bound on a class that never loads, or null to wait for it
     * @param holdLoading whether the class, loading before the instrumentation is ready, waits for it ({@link ClassWatch})
     */
    public MethodGate methodGate(String name, String className, String methodName, String waitingFor, MethodGate.AfterReturn after,
                                 NeverLoaded neverLoaded, boolean holdLoading) {
        return methodGate(name, className, methodName, waitingFor, after, neverLoaded, holdLoading, null);
    }

    /**
     * As above, for a server that goes on being watched once it passed ({@link MethodGate.Serving}): its stop method, declared
     * by the same class, gets the advice too.
     */
    public MethodGate methodGate(String name, String className, String methodName, String waitingFor, MethodGate.AfterReturn after,
                                 NeverLoaded neverLoaded, boolean holdLoading, MethodGate.Serving serving) {
        MethodGate g = new MethodGate(name, className, methodName, waitingFor, after, neverLoaded, serving);
        g.publisher(publisher);
        methodGates.add(g);
        if (holdLoading) {
            hold.add(className.replace('.', '/'));
        }
        g.onChange(new Runnable() {
            @Override
            public void run() {
                publisher.publishNow();
            }
        });
        final String internalName = className.replace('.', '/');
        g.onGivenUp(new Runnable() {
            @Override
            public void run() {
                stopWatchingFor(internalName);
            }
        });
        List<MethodGate> list = byClass.get(className);
        if (list == null) {
            list = new ArrayList<MethodGate>();
            byClass.put(className, list);
        }
        list.add(g);
        return g;
    }

    /** The ports this JVM's listening sockets are read through (shared by every gate that checks ports). */
    public ListeningPorts ports() {
        return ports;
    }

    /** For method gates: registers the watch and starts loading the instrumentation (start thread). */
    public void startWatching() {
        if (methodGates.isEmpty()) {
            return;
        }
        if (instrumentation == null || !instrumentation.isRetransformClassesSupported()) {
            String reason = instrumentation == null ? "no Instrumentation" : "retransformation not supported";
            AgentLog.warn("startup gate instrumentation unavailable (" + reason + "): method gates pass without waiting");
            for (MethodGate g : methodGates) {
                g.failed(reason);
            }
            return;
        }
        Map<String, List<MethodGate>> byInternalName = new HashMap<String, List<MethodGate>>();
        for (Map.Entry<String, List<MethodGate>> e : byClass.entrySet()) {
            byInternalName.put(e.getKey().replace('.', '/'), e.getValue());
        }
        synchronized (this) {
            watch = new ClassWatch(byInternalName, hold);
            // The classes loaded before the watch are retransformed through a capable transformer registered only for
            // that call (see retransform).
            watch.register(instrumentation);
            // What loaded before the watch began (the agent was attached, or the class loaded at once): these alone
            // missed it; any gated class loading from now on passes through the watch.
            for (Class<?> c : instrumentation.getAllLoadedClasses()) {
                if (c.getClassLoader() != null && byClass.containsKey(c.getName()) && instrumentation.isModifiableClass(c)) {
                    loadedBeforeWatch.add(c);
                }
            }
            // Every gated class loaded already (Jetty's Server in main's first milliseconds, or an attach): the watch has
            // nothing left to see at class load, and while registered every class load of the host would call into Java
            // with a copy of its bytes until the instrumentation is ready. The loaded classes are retransformed through a
            // transformer registered for that call only (retransform).
            Set<String> loadedNames = new HashSet<String>();
            for (Class<?> c : loadedBeforeWatch) {
                loadedNames.add(c.getName());
            }
            if (loadedNames.containsAll(byClass.keySet())) {
                watch.unregister();
            }
        }
        AgentThreads.start("gates", new Runnable() {
            @Override
            public void run() {
                install();
            }
        });
    }

    /** The names of the {@code ready.port} and {@code ready.after} gates, in order (for the start line). */
    public List<String> names() {
        return Collections.unmodifiableList(names);
    }

    /** The gate checks of {@code ready.port} and {@code ready.after}, for the evaluator (on its thread). */
    public List<HealthCheck> checks(Publisher publisher) {
        this.publisher.set(publisher);
        List<HealthCheck> checks = new ArrayList<HealthCheck>();
        for (int port : readyPorts) {
            checks.add(new PortGate(port, ports));
        }
        if (!readyPorts.isEmpty()) {
            ports.warmUp();
        }
        checks.addAll(readyAfter);
        return checks;
    }

    /** A framework's gate gave up waiting for its class ({@link NeverLoaded}): the watch stops looking for it. */
    private void stopWatchingFor(String internalName) {
        ClassWatch w;
        synchronized (this) {
            w = watch;
        }
        if (w != null && w.watches(internalName)) {
            w.forget(internalName);
        }
    }

    /** On the jvm-health-gates thread: the instrumentation's transformer, then what was loaded before the watch began. */
    private void install() {
        long began = System.nanoTime();
        ClassFileTransformer transformer = null;
        try {
            BootSignal.ensure(instrumentation);
            GateSignal.listen(new Runnable() {
                @Override
                public void run() {
                    publisher.publishNow();
                }
            });
            Map<String, Set<String>> methods = new HashMap<String, Set<String>>();
            final Map<String, List<MethodGate>> byStopKey = new HashMap<String, List<MethodGate>>();
            for (Map.Entry<String, List<MethodGate>> e : byClass.entrySet()) {
                Set<String> names = new HashSet<String>();
                for (MethodGate g : e.getValue()) {
                    names.add(g.methodName);
                    if (g.stopKey != null) {
                        names.add(g.stopMethod);
                        List<MethodGate> list = byStopKey.get(g.stopKey);
                        if (list == null) {
                            list = new ArrayList<MethodGate>(1);
                            byStopKey.put(g.stopKey, list);
                        }
                        list.add(g);
                    }
                }
                methods.put(e.getKey(), names);
            }
            if (!byStopKey.isEmpty()) {
                for (Map.Entry<String, List<MethodGate>> e : byStopKey.entrySet()) {
                    GateSignal.stopsAt(e.getKey());
                    for (MethodGate g : e.getValue()) {
                        GateSignal.trackLatest(g.key); // a server started again (or a new one) is the one watched
                    }
                }
                GateSignal.listenForStops(new java.util.function.BiConsumer<String, Object>() {
                    @Override
                    public void accept(String key, Object self) {
                        List<MethodGate> gates = byStopKey.get(key);
                        if (gates != null) {
                            for (MethodGate g : gates) {
                                g.stopEntered(self);
                            }
                        }
                    }
                });
            }
            transformer = NestedJarLoader.load().transformer(methods, new AdviceInstaller.Failures() {
                @Override
                public void failed(String className, Throwable cause) {
                    instrumentFailed(className, cause);
                }
            });
        } catch (Throwable e) {
            fail(e);
        }
        ClassWatch w;
        synchronized (this) {
            w = watch;
        }
        if (w == null) {
            return; // closed meanwhile
        }
        w.ready(transformer);
        if (transformer == null) {
            publisher.publishNow();
            return;
        }
        try {
            // Classes loaded before the watch began: retransformed (future calls get the advice); a method no
            // thread is inside counts as already returned, a thread inside is watched until it leaves.
            List<Class<?>> loaded;
            synchronized (this) {
                loaded = new ArrayList<Class<?>>(loadedBeforeWatch);
            }
            Set<String> missed = w.missed();
            if (!missed.isEmpty()) {
                for (Class<?> c : instrumentation.getAllLoadedClasses()) {
                    if (c.getClassLoader() != null && missed.contains(c.getName()) && !loaded.contains(c) && instrumentation.isModifiableClass(c)) {
                        loaded.add(c);
                    }
                }
            }
            if (!loaded.isEmpty()) {
                synchronized (this) {
                    retransformed.addAll(loaded);
                }
                w.retransforming(true);
                try {
                    retransform(loaded, w);
                } finally {
                    w.retransforming(false);
                }
            }
            Map<Thread, StackTraceElement[]> stacks = loaded.isEmpty()
                    ? Collections.<Thread, StackTraceElement[]>emptyMap() : Thread.getAllStackTraces();
            for (MethodGate g : methodGates) {
                boolean wasLoaded = false;
                for (Class<?> c : loaded) {
                    wasLoaded |= c.getName().equals(g.className);
                }
                List<Thread> inside = new ArrayList<Thread>();
                for (Map.Entry<Thread, StackTraceElement[]> e : stacks.entrySet()) {
                    if (e.getKey() != Thread.currentThread() && g.isInside(e.getValue())) {
                        inside.add(e.getKey());
                    }
                }
                g.installed(wasLoaded, inside, !atLaunch);
            }
            transformer = null; // the watch holds it while a gated class is awaited, and drops it then (ClassWatch.releaseIfDone)
            AgentLog.info("startup gate instrumentation ready in " + (System.nanoTime() - began) / 1_000_000 + " ms"
                    + (loaded.isEmpty() ? "" : " (" + loaded.size() + " gated class(es) already loaded, retransformed)")
                    + "; the advice's signal class in the bootstrap loader: " + BootSignal.how());
        } catch (Throwable e) {
            fail(e);
        }
        publisher.publishNow();
    }

    /** Retransforms {@code classes} through {@code transformer}, registered as retransformation-capable for this call only. */
    private void retransform(List<Class<?>> classes, final ClassFileTransformer transformer) throws Exception {
        ClassFileTransformer once = new ClassFileTransformer() {
            @Override
            public byte[] transform(ClassLoader loader, String className, Class<?> redefined, java.security.ProtectionDomain domain,
                                    byte[] bytes) throws java.lang.instrument.IllegalClassFormatException {
                return redefined == null ? null : transformer.transform(loader, className, redefined, domain, bytes);
            }
        };
        instrumentation.addTransformer(once, true);
        try {
            instrumentation.retransformClasses(classes.toArray(new Class<?>[0]));
        } finally {
            instrumentation.removeTransformer(once);
        }
    }

    /** A gated class the advice could not be put on: it loads unchanged, and its gates pass without waiting. */
    private void instrumentFailed(String className, Throwable e) {
        AgentLog.warn("could not instrument " + className + " for a startup gate, its gates pass without waiting: "
                + AgentLog.describe(e));
        List<MethodGate> gates = byClass.get(className);
        if (gates != null) {
            for (MethodGate g : gates) {
                g.failed(e.getClass().getSimpleName());
            }
        }
    }

    private void fail(Throwable e) {
        AgentLog.warn("startup gate instrumentation failed, method gates pass without waiting: " + AgentLog.describe(e));
        for (MethodGate g : methodGates) {
            g.failed(e.getClass().getSimpleName());
        }
    }

    /** Removes the watch, the listener and the advice (on stop); idempotent. */
    public void close() {
        ClassWatch w;
        List<Class<?>> classes;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            w = watch;
            watch = null;
            classes = new ArrayList<Class<?>>(retransformed);
        }
        if (w == null) {
            return;
        }
        try {
            w.unregister();
            w.ready(null); // a class waiting for the instrumentation loads unchanged
            if (BootSignal.inBootLoader()) {
                GateSignal.listen(null);
                GateSignal.listenForStops(null);
            }
            // The classes retransformed at attach get their original bytes back. Classes that loaded while the watch
            // was registered keep the advice (a transformation at load, not undone by retransforming): inert, since
            // GateSignal has no listener any more.
            if (!classes.isEmpty()) {
                instrumentation.retransformClasses(classes.toArray(new Class<?>[0]));
            }
        } catch (Throwable e) {
            AgentLog.warn("removing the startup gate instrumentation failed: " + AgentLog.describe(e));
        }
    }

    // ---- option values ----

    static List<Integer> ports(String key, String text, String origin) throws InvalidOptionException {
        List<Integer> result = new ArrayList<Integer>();
        for (String part : text.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            int value = -1;
            if (p.length() <= 5 && digits(p)) {
                value = Integer.parseInt(p);
            }
            if (value < 1 || value > 65535) {
                throw new InvalidOptionException("option '" + key + "' has bad port '" + p + "' in '" + text
                        + "' (from " + origin + "): expected port numbers from 1 to 65535 separated by commas, such as 8080,8443");
            }
            if (!result.contains(value)) {
                result.add(value);
            }
        }
        return Collections.unmodifiableList(result);
    }

    private static boolean digits(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    static List<MethodSpec> methods(String key, String text, String origin) throws InvalidOptionException {
        List<MethodSpec> result = new ArrayList<MethodSpec>();
        for (String part : text.split(",")) {
            String m = part.trim();
            if (m.isEmpty()) {
                continue;
            }
            MethodSpec spec = MethodSpec.parse(m);
            if (spec == null) {
                throw new InvalidOptionException("option '" + key + "' has bad method '" + m + "' (from " + origin
                        + "): expected fully.qualified.Class#method (Java identifiers, nested classes with $), comma-separated, such as com.acme.App#start");
            }
            for (String prefix : new String[] {"java.", "javax.", "jdk.", "sun.", "com.sun.", "io.jvmhealth.agent."}) {
                if (spec.className.startsWith(prefix)) {
                    throw new InvalidOptionException("option '" + key + "' names '" + m + "' (from " + origin
                            + "): classes of the JDK and of the agent are never instrumented; expected an application class");
                }
            }
            if (!result.contains(spec)) {
                result.add(spec);
            }
        }
        return Collections.unmodifiableList(result);
    }
}
