package io.jvmhealth.agent.gates;

import io.jvmhealth.agent.AgentLog;
import io.jvmhealth.agent.boot.GateSignal;
import io.jvmhealth.agent.config.MethodSpec;
import io.jvmhealth.agent.config.Settings;
import io.jvmhealth.agent.health.CheckNames;
import io.jvmhealth.agent.health.Evaluator;
import io.jvmhealth.agent.health.HealthCheck;

import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The startup gates of one agent start: {@code ready.port}, {@code ready.after} and the frameworks
 * {@code ready.auto} recognized. {@link #plan} decides (cheaply, on the start thread, so the start
 * line can say what was recognized); {@link #create} makes the checks on the evaluator thread. Byte
 * Buddy ({@link Instrumenter}) is loaded only when there is a method or framework gate, and then on
 * a thread of its own ({@code jvm-health-gates}) so the first evaluation does not wait for it.
 */
public final class Gates {
    private static final String BYTE_BUDDY_SAFE = "net.bytebuddy.safe";

    private final Settings settings;
    private final Instrumentation instrumentation;
    private final List<Frameworks.Framework> frameworks;
    private final List<String> names;
    private volatile Runnable uninstall;
    private volatile boolean closed;

    private Gates(Settings settings, Instrumentation instrumentation, List<Frameworks.Framework> frameworks) {
        this.settings = settings;
        this.instrumentation = instrumentation;
        this.frameworks = frameworks;
        List<String> n = new ArrayList<String>();
        for (int port : settings.readyPorts) {
            n.add(CheckNames.portGate(port));
        }
        for (MethodSpec m : settings.readyAfter) {
            n.add(CheckNames.methodGate(m.className, m.methodName));
        }
        for (Frameworks.Framework f : frameworks) {
            n.add(CheckNames.frameworkGate(f.word));
        }
        this.names = Collections.unmodifiableList(n);
    }

    /** Decides the gates; reads the main class file and the loaded class list when {@code ready.auto} is on. */
    public static Gates plan(Settings settings, Instrumentation instrumentation) {
        List<Frameworks.Framework> frameworks = settings.readyAuto
                ? Frameworks.recognize(instrumentation) : Collections.<Frameworks.Framework>emptyList();
        return new Gates(settings, instrumentation, frameworks);
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

    /** Creates the gate checks (evaluator thread); starts installing instrumentation when a gate needs it. */
    public List<HealthCheck> create(final Evaluator evaluator) {
        List<HealthCheck> checks = new ArrayList<HealthCheck>();
        ListeningPorts ports = new ListeningPorts();
        for (int port : settings.readyPorts) {
            checks.add(new PortGate(port, ports));
        }
        if (!settings.readyPorts.isEmpty()) {
            ports.warmUp();
        }
        final List<MethodGate> methodGates = new ArrayList<MethodGate>();
        for (MethodSpec m : settings.readyAfter) {
            methodGates.add(new MethodGate(CheckNames.methodGate(m.className, m.methodName), m.className, m.methodName,
                    m + " to return", null));
        }
        for (Frameworks.Framework f : frameworks) {
            MethodGate.AfterReturn after = null;
            if (f == Frameworks.Framework.JETTY) {
                after = new Connectors("getConnectors", ports);
            } else if (f == Frameworks.Framework.TOMCAT) {
                after = new Connectors("findConnectors", ports);
            }
            methodGates.add(new MethodGate(CheckNames.frameworkGate(f.word), f.className, f.methodName, f.waitingFor, after));
        }
        checks.addAll(methodGates);
        Runnable publish = new Runnable() {
            @Override
            public void run() {
                evaluator.publishNow();
            }
        };
        for (MethodGate g : methodGates) {
            g.onChange(publish);
        }
        if (!methodGates.isEmpty()) {
            startInstalling(evaluator, methodGates);
        }
        return checks;
    }

    private void startInstalling(final Evaluator evaluator, final List<MethodGate> gates) {
        Thread t = new Thread(new Runnable() {
            @Override
            public void run() {
                install(evaluator, gates);
            }
        }, "jvm-health-gates");
        t.setDaemon(true);
        t.start();
    }

    private void install(final Evaluator evaluator, List<MethodGate> gates) {
        long began = System.nanoTime();
        try {
            if (instrumentation == null) {
                throw new IllegalStateException("no Instrumentation (the agent was not started by -javaagent or attach)");
            }
            if (BootSignal.featureVersion() >= 24 && System.getProperty(BYTE_BUDDY_SAFE) == null) {
                // Byte Buddy's "safe" mode: no sun.misc.Unsafe, whose use the JVM reports on stderr from JDK 24 on
                // (JEP 498). The name is relocated with Byte Buddy in the shaded jar, so it is the agent's own
                // property (io.jvmhealth.agent.shaded.bytebuddy.safe) and no other Byte Buddy in the host reads it.
                System.setProperty(BYTE_BUDDY_SAFE, "true");
            }
            BootSignal.ensure(instrumentation);
            GateSignal.listen(new Runnable() {
                @Override
                public void run() {
                    evaluator.publishNow();
                }
            });
            synchronized (this) {
                if (closed) {
                    return;
                }
                uninstall = Instrumenter.install(instrumentation, gates);
            }
            AgentLog.info("startup gate instrumentation installed in " + (System.nanoTime() - began) / 1_000_000 + " ms");
        } catch (Throwable e) {
            String reason = e.getClass().getName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            AgentLog.warn("startup gate instrumentation failed, method gates pass without waiting: " + reason);
            for (MethodGate g : gates) {
                g.failed(e.getClass().getSimpleName());
            }
        }
        evaluator.publishNow();
    }

    /** Removes the advice and the listener (on stop); idempotent. */
    public synchronized void close() {
        closed = true;
        Runnable u = uninstall;
        uninstall = null;
        if (u != null) {
            try {
                GateSignal.listen(null);
                u.run();
            } catch (Throwable e) {
                AgentLog.warn("removing the startup gate instrumentation failed: " + e);
            }
        }
    }
}
