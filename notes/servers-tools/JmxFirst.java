import java.lang.instrument.Instrumentation;
import java.lang.management.ManagementFactory;
/** Scratch: creates the platform MBeanServer in premain, as a careless agent would. */
public class JmxFirst {
    public static void premain(String a, Instrumentation i) {
        System.err.println("[jmxfirst] platform MBeanServer " + ManagementFactory.getPlatformMBeanServer().getClass().getName()
            + ", LogManager " + java.util.logging.LogManager.getLogManager().getClass().getName());
    }
}
