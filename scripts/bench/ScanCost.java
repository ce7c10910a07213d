import java.lang.instrument.Instrumentation;
import java.lang.management.ManagementFactory;

/**
 * What one scan of the loaded classes costs at N loaded classes, as the agent's scans do it: getAllLoadedClasses alone;
 * JmxAccess's (boot classes filtered by modifiers first, then named); Frameworks'/SpringBootGate's (every non-boot class
 * named). Thread CPU per scan, median of 15, after the host loaded N generated classes.
 *   javac -d DIR ScanCost.java && printf "Premain-Class: ScanCost\n" > m.mf && jar cfm scan.jar m.mf -C DIR ScanCost.class
 *   java -javaagent:scan.jar -cp DIR:$(cat scripts/bench-work/gen/cp-N.txt) ScanCost N   (GenClasses writes the jars; cost.sh keeps their class path there)
 */
public class ScanCost {
    static Instrumentation inst;
    public static void premain(String a, Instrumentation i) { inst = i; }

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        for (int i = 0; i < n; i++) Class.forName("gen.C" + i, true, ScanCost.class.getClassLoader());
        com.sun.management.ThreadMXBean t = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long[] all = new long[15], jmx = new long[15], fw = new long[15];
        long allocAll = 0, allocFw = 0;
        int found = 0;
        for (int r = 0; r < 15; r++) {
            long a0 = t.getCurrentThreadAllocatedBytes(), c0 = t.getCurrentThreadCpuTime();
            Class<?>[] cs = inst.getAllLoadedClasses();
            long c1 = t.getCurrentThreadCpuTime(); allocAll = t.getCurrentThreadAllocatedBytes() - a0;
            for (Class<?> c : inst.getAllLoadedClasses()) {
                int m = c.getModifiers();
                if (c.getClassLoader() == null && java.lang.reflect.Modifier.isPublic(m) && !java.lang.reflect.Modifier.isFinal(m) && !c.isInterface() && c.getSuperclass() == Object.class) {
                    String name = c.getName();
                    if (name.equals("javax.management.MBeanServerBuilder")) found++;
                }
            }
            long c2 = t.getCurrentThreadCpuTime(), a2 = t.getCurrentThreadAllocatedBytes();
            for (Class<?> c : inst.getAllLoadedClasses()) {
                if (c.getClassLoader() == null) continue;
                if (c.getName().equals("org.springframework.boot.SpringApplication")) found++;
            }
            long c3 = t.getCurrentThreadCpuTime(); if (r == 0) allocFw = t.getCurrentThreadAllocatedBytes() - a2;
            all[r] = c1 - c0; jmx[r] = c2 - c1; fw[r] = c3 - c2;
            Thread.sleep(20);
        }
        java.util.Arrays.sort(all); java.util.Arrays.sort(jmx); java.util.Arrays.sort(fw);
        System.out.printf("classes=%d getAllLoadedClasses: %.2f ms (%d KB), JmxAccess scan: %.2f ms, Frameworks/SpringBootGate scan: %.2f ms (first, naming every non-boot class: %d KB)%n",
            inst.getAllLoadedClasses().length, all[7] / 1e6, allocAll / 1024, jmx[7] / 1e6, fw[7] / 1e6, allocFw / 1024);
    }
}
