import java.lang.instrument.Instrumentation;
import java.lang.management.ManagementFactory;
import java.util.*;
import javax.management.*;

/** Scratch javaagent: args "name@periodMs@attr,attr|name@..." logs attribute changes and notifications, with wall clock and uptime. */
public class Watch {
    static java.io.PrintStream out;
    static synchronized void log(String s) {
        out.println("[watch] wall=" + System.currentTimeMillis() + " up=" + ManagementFactory.getRuntimeMXBean().getUptime() + " " + s);
    }
    public static void premain(String args, Instrumentation inst) {
        try { out = new java.io.PrintStream(new java.io.FileOutputStream(System.getProperty("watch.out", "/tmp/srvx/watch.log"), true), true); } catch (Exception e) { throw new RuntimeException(e); }
        Thread t = new Thread(() -> {
            try {
                while (System.getProperty("javax.management.builder.initial") == null) Thread.sleep(5);
                Thread.sleep(20);
                MBeanServer s = ManagementFactory.getPlatformMBeanServer();
                log("platform MBeanServer " + s.getClass().getName());
                String[] specs = args.split("\\|");
                long[] next = new long[specs.length];
                Map<String, String> last = new HashMap<>();
                Set<String> listened = new HashSet<>();
                while (true) {
                    long now = System.nanoTime();
                    for (int i = 0; i < specs.length; i++) {
                        if (now < next[i]) continue;
                        String[] p = specs[i].split("@");
                        next[i] = now + Long.parseLong(p[1]) * 1000000L;
                        ObjectName on = new ObjectName(p[0]);
                        String v;
                        long r0 = System.nanoTime();
                        try {
                            if (s.isRegistered(on) && listened.add(p[0])) {
                                try { s.addNotificationListener(on, (no, hb) -> log("NOTIFICATION " + on + " " + (no instanceof AttributeChangeNotification ? ((AttributeChangeNotification) no).getAttributeName() + ": " + ((AttributeChangeNotification) no).getOldValue() + " -> " + ((AttributeChangeNotification) no).getNewValue() : no.getType() + " " + no.getMessage())), null, null); log("listening to " + on); } catch (Exception e) { log("listener " + e); }
                            }
                            StringBuilder b = new StringBuilder();
                            for (String a : p[2].split(",")) b.append(a).append('=').append(s.getAttribute(on, a)).append(' ');
                            v = b.toString();
                        } catch (InstanceNotFoundException e) {
                            v = "not registered";
                        } catch (Exception e) {
                            v = e.toString();
                        }
                        long took = (System.nanoTime() - r0) / 1000000;
                        if (!v.equals(last.get(p[0]))) { log(p[0] + ": " + v + " (read in " + took + " ms)"); last.put(p[0], v); }
                        else if (took > 50) log("reading " + on + " took " + took + " ms");
                    }
                    Thread.sleep(5);
                }
            } catch (Throwable e) {
                log("stopped: " + e);
            }
        }, "watch");
        t.setDaemon(true);
        t.start();
    }
}
