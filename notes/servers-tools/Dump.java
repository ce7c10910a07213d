import java.lang.instrument.Instrumentation;
import java.lang.management.ManagementFactory;
import java.io.*;
import java.util.*;

/** Scratch: logs a JVM's identity (command, args, properties), the first appearance of interesting classes, threads and its end. */
public class Dump {
    static PrintStream out;
    static synchronized void log(String s) { out.println("wall=" + System.currentTimeMillis() + " up=" + ManagementFactory.getRuntimeMXBean().getUptime() + " " + s); }
    public static void premain(String a, Instrumentation inst) throws Exception {
        long pid = ProcessHandle.current().pid();
        out = new PrintStream(new FileOutputStream((a == null ? "/tmp/srvx/dump/out" : a) + "-" + pid + ".log"), true);
        log("pid " + pid + " parent " + ProcessHandle.current().parent().map(p -> p.pid() + " " + p.info().command().orElse("")).orElse("?"));
        log("sun.java.command=" + System.getProperty("sun.java.command"));
        log("input args=" + ManagementFactory.getRuntimeMXBean().getInputArguments());
        for (String k : new TreeSet<>(System.getProperties().stringPropertyNames())) if (k.startsWith("kc.") || k.startsWith("quarkus") || k.startsWith("picocli") || k.startsWith("java.util.logging") || k.startsWith("jboss")) log("prop " + k + "=" + System.getProperty(k));
        String env = System.getenv("JAVA_TOOL_OPTIONS"); log("env JAVA_TOOL_OPTIONS=" + env + " JAVA_OPTS_APPEND=" + System.getenv("JAVA_OPTS_APPEND"));
        String[] watch = {"io.quarkus.bootstrap.runner.QuarkusEntryPoint", "io.quarkus.runtime.Application", "io.quarkus.runtime.ApplicationLifecycleManager", "io.quarkus.deployment.QuarkusAugmentor", "io.quarkus.bootstrap.app.AugmentAction", "io.quarkus.runner.ApplicationImpl", "io.quarkus.vertx.http.runtime.VertxHttpRecorder", "io.vertx.core.http.impl.HttpServerImpl", "io.vertx.core.net.impl.TCPServerBase", "io.vertx.core.impl.VertxImpl", "org.keycloak.quarkus.runtime.KeycloakMain", "org.keycloak.quarkus.runtime.cli.command.Build", "org.keycloak.quarkus.runtime.cli.command.StartDev", "org.keycloak.quarkus.runtime.cli.command.Start", "org.keycloak.quarkus.runtime.cli.command.ShowConfig", "javax.management.MBeanServerBuilder", "java.util.logging.Logger", "io.quarkus.runtime.StartupEvent", "io.quarkus.runtime.ShutdownEvent", "io.quarkus.bootstrap.runner.RunnerClassLoader", "io.quarkus.bootstrap.classloading.QuarkusClassLoader"};
        Thread t = new Thread(() -> {
            Set<String> seen = new HashSet<>(); Set<String> props = new HashSet<>();
            Class<?> app = null; String lastState = null; long startedAt = 0; boolean listed = false; long round = 0;
            try { while (true) {
                if (app == null && round % 5 == 0) for (Class<?> c : inst.getAllLoadedClasses()) if (c.getName().equals("io.quarkus.runtime.Application") && c.getClassLoader() != null && c.getClassLoader().getClass().getName().endsWith("RunnerClassLoader")) app = c;
                if (app != null) {
                    String st;
                    try { Object cur = app.getMethod("currentApplication").invoke(null); st = cur == null ? "no current application" : ("isStarted=" + app.getMethod("isStarted").invoke(cur)); } catch (Throwable e) { st = e.toString(); }
                    if (!st.equals(lastState)) { log("Application " + st); lastState = st; if (st.equals("isStarted=true")) startedAt = System.currentTimeMillis(); }
                }
                if (startedAt != 0 && !listed && System.currentTimeMillis() - startedAt > 3000) { listed = true; javax.management.MBeanServer ms = ManagementFactory.getPlatformMBeanServer(); log("MBean domains " + java.util.Arrays.toString(ms.getDomains()) + " count " + ms.getMBeanCount()); }
                Thread.sleep(10);
                if (++round % 20 == 0 || (app == null && round % 5 == 0)) for (Class<?> c : inst.getAllLoadedClasses()) { String n = c.getName(); for (String w : watch) if (w.equals(n) && seen.add(n + c.getClassLoader())) log("class loaded " + n + " by " + c.getClassLoader()); }
                for (String k : System.getProperties().stringPropertyNames()) if ((k.startsWith("kc.") || k.startsWith("quarkus") || k.startsWith("java.util.logging") || k.startsWith("javax.management")) && props.add(k + "=" + System.getProperty(k))) log("prop now " + k + "=" + System.getProperty(k));
            } } catch (Exception e) { log("sampler " + e); }
        }, "dump-sampler");
        t.setDaemon(true); t.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            StringBuilder b = new StringBuilder();
            for (Thread th : Thread.getAllStackTraces().keySet()) b.append(th.getName()).append(", ");
            log("shutdown hook; threads: " + b);
        }, "dump-hook"));
    }
}
