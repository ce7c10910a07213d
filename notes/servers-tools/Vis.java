import java.lang.instrument.Instrumentation;
import java.util.jar.JarFile;
import java.io.*;
public class Vis {
    public static void premain(String a, Instrumentation inst) throws Exception {
        inst.appendToBootstrapClassLoaderSearch(new JarFile("/tmp/srvx/vis/boot.jar"));
        PrintStream out = new PrintStream(new FileOutputStream("/tmp/srvx/vis/out-" + a + ".log"), true);
        Thread t = new Thread(() -> {
            try {
                java.util.Set<String> done = new java.util.HashSet<>();
                for (int i = 0; i < 3000 && done.size() < 2; i++) {
                    Thread.sleep(100);
                    for (Class<?> c : inst.getAllLoadedClasses()) {
                        String n = c.getName();
                        if ((n.equals("org.jboss.as.server.ServerService") || n.equals("io.jvmhealth.agent.it.webapp.OkServlet")) && done.add(n)) {
                            ClassLoader l = c.getClassLoader();
                            out.println(n + " loader " + l);
                            for (String probe : new String[] {"vis.boot.Signal", "Vis", "java.lang.management.ManagementFactory", "javax.management.ObjectName", "sun.misc.Unsafe"}) {
                                try { Class<?> p = Class.forName(probe, false, l); out.println("  " + probe + " -> visible, loader " + p.getClassLoader()); }
                                catch (Throwable e) { out.println("  " + probe + " -> " + e); }
                            }
                        }
                    }
                }
            } catch (Exception e) { out.println(e); }
        }, "vis"); t.setDaemon(true); t.start();
    }
}
