import com.sun.tools.attach.VirtualMachine;

import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import java.util.Set;
import java.util.TreeMap;

/**
 * Investigation tool behind docs/gates.md (the MBeans of Kafka Streams, ZooKeeper, Kafka Connect and the Kafka broker
 * over time; not part of the build): attaches to PID (attach API, the JVM's local management agent) and every 20 ms
 * reads ATTRIBUTE ("-" for none: names only; "*" for all) of the MBeans matching PATTERN, printing each change with
 * the wall-clock time (and ms since this tool started) for SECONDS seconds.
 *   java scripts/apps/JmxWatch.java PID PATTERN ATTRIBUTE SECONDS
 * e.g. java scripts/apps/JmxWatch.java $PID 'kafka.streams:type=stream-metrics,client-id=*' state 20
 */
public class JmxWatch {
    public static void main(String[] args) throws Exception {
        long t0 = System.nanoTime();
        VirtualMachine vm = VirtualMachine.attach(args[0]);
        String address = vm.startLocalManagementAgent();
        vm.detach();
        ObjectName pattern = new ObjectName(args[1]);
        String attribute = args[2];
        long end = System.nanoTime() + Long.parseLong(args[3]) * 1_000_000_000L;
        String last = null;
        try (JMXConnector c = JMXConnectorFactory.connect(new JMXServiceURL(address))) {
            MBeanServerConnection s = c.getMBeanServerConnection();
            while (System.nanoTime() < end) {
                TreeMap<String, Object> now = new TreeMap<>();
                Set<ObjectName> names = s.queryNames(pattern, null);
                for (ObjectName n : names) {
                    Object v;
                    try {
                        if (attribute.equals("*")) {
                            StringBuilder all = new StringBuilder();
                            for (javax.management.MBeanAttributeInfo a : s.getMBeanInfo(n).getAttributes()) {
                                Object one;
                                try {
                                    one = s.getAttribute(n, a.getName());
                                } catch (Exception e) {
                                    one = "(" + e.getClass().getSimpleName() + ")";
                                }
                                all.append(a.getName()).append('=').append(one).append("; ");
                            }
                            v = all;
                        } else {
                            v = attribute.equals("-") ? "" : s.getAttribute(n, attribute);
                        }
                    } catch (Exception e) {
                        v = "(" + e.getClass().getSimpleName() + ")";
                    }
                    now.put(n.toString(), v);
                }
                String text = now.toString();
                if (!text.equals(last)) {
                    System.out.println(java.time.LocalTime.now() + " (" + (System.nanoTime() - t0) / 1_000_000 + " ms) " + (now.isEmpty() ? "(no MBean)" : text));
                    last = text;
                }
                Thread.sleep(20);
            }
        }
    }
}
