import com.sun.tools.attach.VirtualMachine;
import javax.management.*;
import javax.management.remote.*;
import java.util.*;

/** Scratch: attaches to a JVM, starts its local JMX agent, reads WildFly's state MBeans N times and prints values and costs. */
public class AttachJmx {
    public static void main(String[] a) throws Exception {
        long t0 = System.nanoTime();
        VirtualMachine vm = VirtualMachine.attach(a[0]);
        String url = vm.startLocalManagementAgent();
        vm.detach();
        System.out.println("local JMX agent " + url + " in " + (System.nanoTime() - t0) / 1000000 + " ms");
        try (JMXConnector c = JMXConnectorFactory.connect(new JMXServiceURL(url))) {
            MBeanServerConnection s = c.getMBeanServerConnection();
            System.out.println("domains " + Arrays.toString(s.getDomains()));
            int n = a.length > 1 ? Integer.parseInt(a[1]) : 5;
            for (String spec : new String[] {"jboss.root:type=state@ProcessState,RunningState,RunningMode", "jboss.as:management-root=server@serverState,suspendState,runningMode,runtimeConfigurationState,processType,launchType"}) {
                String[] p = spec.split("@");
                ObjectName on = new ObjectName(p[0]);
                long[] took = new long[n];
                String last = null;
                for (int i = 0; i < n; i++) {
                    long r0 = System.nanoTime();
                    StringBuilder b = new StringBuilder();
                    for (String at : p[1].split(",")) { Object v; try { v = s.getAttribute(on, at); } catch (Exception e) { v = "<" + e.getClass().getSimpleName() + ": " + (e.getCause() == null ? e.getMessage() : e.getCause().toString()) + ">"; } b.append(at).append('=').append(v).append(' '); }
                    took[i] = (System.nanoTime() - r0) / 1000;
                    last = b.toString();
                }
                Arrays.sort(took);
                System.out.println(on + ": " + last + " | " + p[1].split(",").length + " attributes, " + n + " reads: median " + took[n / 2] + " us, max " + took[n - 1] + " us");
            }
        }
    }
}
