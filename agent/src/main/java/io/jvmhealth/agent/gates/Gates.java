package io.jvmhealth.agent.gates;

import io.jvmhealth.agent.AgentLog;
import io.jvmhealth.agent.boot.GateSignal;
import io.jvmhealth.agent.config.MethodSpec;
import io.jvmhealth.agent.config.Settings;
import io.jvmhealth.agent.health.CheckNames;
import io.jvmhealth.agent.health.Evaluator;
import io.jvmhealth.agent.health.HealthCheck;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The startup gates of one agent start: {@code ready.port}, {@code ready.after} and the frameworks
 * {@code ready.auto} recognized. {@link #plan} runs on the start thread: it decides the gates (so the
 * start line can say what was recognized) and, when there is a method or framework gate, registers
 * the {@link ClassWatch} at once and loads Byte Buddy ({@link AdviceInstaller}, from its nested jar) on a thread of its own
 * ({@code jvm-health-gates}); {@link #create} hands the checks to the evaluator. On a host with no
 * such gate no transformer is registered and no Byte Buddy class is loaded.
 */
public final class Gates {

    private final Settings settings;
    private final Instrumentation instrumentation;
    private final List<Frameworks.Framework> frameworks;
    private final List<String> names;
    private final ListeningPorts ports = new ListeningPorts();
    private final List<MethodGate> methodGates = new ArrayList<MethodGate>();
    private final Map<String, List<MethodGate>> byClass = new HashMap<String, List<MethodGate>>();
    private ClassWatch watch;
    private KafkaBrokerGate kafka;
    private SpringBootGate spring;
    private volatile Evaluator evaluator;
    private boolean closed;
    private final List<Class<?>> retransformed = new ArrayList<Class<?>>();
    private final List<Class<?>> loadedBeforeWatch = new ArrayList<Class<?>>();
    private final Set<String> hold = new HashSet<String>();
    private final boolean atLaunch;

    private Gates(Settings settings, Instrumentation instrumentation, List<Frameworks.Framework> frameworks, boolean atLaunch) {
        this.atLaunch = atLaunch;
        this.settings = settings;
        this.instrumentation = instrumentation;
        this.frameworks = frameworks;
        List<String> n = new ArrayList<String>();
        for (int port : settings.readyPorts) {
            n.add(CheckNames.portGate(port));
        }
        for (MethodSpec m : settings.readyAfter) {
            String name = CheckNames.methodGate(m.className, m.methodName);
            n.add(name);
            methodGates.add(new MethodGate(name, m.className, m.methodName, m + " to return", null));
            hold.add(m.className.replace('.', '/'));
        }
        for (Frameworks.Framework f : frameworks) {
            String name = CheckNames.frameworkGate(f.word);
            n.add(name);
            if (f == Frameworks.Framework.KAFKA_BROKER) {
                kafka = new KafkaBrokerGate(instrumentation);
                continue;
            }
            if (f == Frameworks.Framework.SPRING_BOOT) {
                spring = new SpringBootGate(instrumentation, !atLaunch);
                continue;
            }
            MethodGate.AfterReturn after = null;
            if (f == Frameworks.Framework.JETTY) {
                after = new Connectors("getConnectors", ports);
            } else if (f == Frameworks.Framework.TOMCAT) {
                after = new Connectors("findConnectors", ports);
            }
            methodGates.add(new MethodGate(name, f.className, f.methodName, f.waitingFor, after, new NeverLoaded(f.word)));
            if (f.holdLoading) {
                hold.add(f.className.replace('.', '/'));
            }
        }
        this.names = Collections.unmodifiableList(n);
        Runnable publish = new Runnable() {
            @Override
            public void run() {
                publish();
            }
        };
        if (kafka != null) {
            kafka.onChange(publish);
        }
        for (MethodGate g : methodGates) {
            g.onChange(publish);
            List<MethodGate> list = byClass.get(g.className);
            if (list == null) {
                list = new ArrayList<MethodGate>();
                byClass.put(g.className, list);
            }
            list.add(g);
        }
    }

    /**
     * Decides the gates (reads the main class file and the loaded class list when {@code ready.auto}
     * is on) and, for method and framework gates, starts watching for their classes at once.
     */
    public static Gates plan(Settings settings, Instrumentation instrumentation, boolean atLaunch) {
        List<Frameworks.Framework> frameworks = settings.readyAuto
                ? Frameworks.recognize(instrumentation) : Collections.<Frameworks.Framework>emptyList();
        Gates gates = new Gates(settings, instrumentation, frameworks, atLaunch);
        gates.startWatching();
        return gates;
    }

    private void startWatching() {
        if (kafka != null) {
            kafka.watch();
        }
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
                if (byClass.containsKey(c.getName()) && instrumentation.isModifiableClass(c)) {
                    loadedBeforeWatch.add(c);
                }
            }
            // EXPERIMENT (issue 24): every gated class loaded already (Jetty's Server in main's first milliseconds): the
            // watch has nothing left to see at class load, and while registered every class load of the host would call
            // into Java with a copy of its bytes until the instrumentation is ready (about 1 s under load). The loaded
            // classes are retransformed through a transformer registered for that call only (retransform), as before.
            Set<String> loadedNames = new HashSet<String>();
            for (Class<?> c : loadedBeforeWatch) {
                loadedNames.add(c.getName());
            }
            if (loadedNames.containsAll(byClass.keySet())) {
                watch.unregister();
            }
        }
        Thread t = new Thread(new Runnable() {
            @Override
            public void run() {
                install();
            }
        }, "jvm-health-gates");
        t.setDaemon(true);
        t.start();
    }

    /** For the start line: the gates and what {@code ready.auto} recognized. */
    public String describe() {
        StringBuilder b = new StringBuilder();
        b.append("gates ").append(names.isEmpty() ? "none" : names.toString());
        if (settings.readyAuto) {
            b.append(", ready.auto recognized ");
            if (frameworks.isEmpty()) {
                b.append("no framework");
            } else {
                for (int i = 0; i < frameworks.size(); i++) {
                    b.append(i == 0 ? "" : ", ").append(frameworks.get(i).word);
                }
            }
        }
        return b.toString();
    }

    public List<String> names() {
        return names;
    }

    /** The gate checks, for the evaluator (on its thread). */
    public List<HealthCheck> create(Evaluator evaluator) {
        this.evaluator = evaluator;
        List<HealthCheck> checks = new ArrayList<HealthCheck>();
        for (int port : settings.readyPorts) {
            checks.add(new PortGate(port, ports));
        }
        if (!settings.readyPorts.isEmpty()) {
            ports.warmUp();
        }
        checks.addAll(methodGates);
        if (spring != null) {
            checks.add(spring);
        }
        if (kafka != null) {
            checks.add(kafka);
        }
        return checks;
    }

    private void publish() {
        Evaluator e = evaluator;
        if (e != null) {
            e.publishNow();
        }
    }

    /** On the jvm-health-gates thread: Byte Buddy's transformer, then what was loaded before the watch began. */
    private void install() {
        long began = System.nanoTime();
        ClassFileTransformer transformer = null;
        try {
            BootSignal.ensure(instrumentation);
            GateSignal.listen(new Runnable() {
                @Override
                public void run() {
                    publish();
                }
            });
            Map<String, Set<String>> methods = new HashMap<String, Set<String>>();
            for (Map.Entry<String, List<MethodGate>> e : byClass.entrySet()) {
                Set<String> names = new HashSet<String>();
                for (MethodGate g : e.getValue()) {
                    names.add(g.methodName);
                }
                methods.put(e.getKey(), names);
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
            publish();
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
                    if (missed.contains(c.getName()) && !loaded.contains(c) && instrumentation.isModifiableClass(c)) {
                        loaded.add(c);
                    }
                }
            }
            if (!loaded.isEmpty()) {
                synchronized (this) {
                    retransformed.addAll(loaded);
                }
                retransform(loaded, w);
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
            AgentLog.info("startup gate instrumentation ready in " + (System.nanoTime() - began) / 1_000_000 + " ms"
                    + (loaded.isEmpty() ? "" : " (" + loaded.size() + " gated class(es) already loaded, retransformed)"));
        } catch (Throwable e) {
            fail(e);
        }
        publish();
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
                + e.getClass().getName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        List<MethodGate> gates = byClass.get(className);
        if (gates != null) {
            for (MethodGate g : gates) {
                g.failed(e.getClass().getSimpleName());
            }
        }
    }

    private void fail(Throwable e) {
        String reason = e.getClass().getName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        AgentLog.warn("startup gate instrumentation failed, method gates pass without waiting: " + reason);
        for (MethodGate g : methodGates) {
            g.failed(e.getClass().getSimpleName());
        }
    }

    /** Removes the watch, the listener and the advice (on stop); idempotent. */
    public void close() {
        ClassWatch w;
        List<Class<?>> classes;
        if (kafka != null) {
            kafka.close();
        }
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
            if (isBootSignalLoaded()) {
                GateSignal.listen(null);
            }
            // The classes retransformed at attach get their original bytes back. Classes that loaded while the watch
            // was registered keep the advice (a transformation at load, not undone by retransforming): inert, since
            // GateSignal has no listener any more.
            if (!classes.isEmpty()) {
                instrumentation.retransformClasses(classes.toArray(new Class<?>[0]));
            }
        } catch (Throwable e) {
            AgentLog.warn("removing the startup gate instrumentation failed: " + e);
        }
    }

    private static boolean isBootSignalLoaded() {
        try {
            Class.forName(BootSignal.CLASS_NAME, false, null);
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
