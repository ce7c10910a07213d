import com.sun.management.HotSpotDiagnosticMXBean;
import io.jvmhealth.sample.VirtualThreads;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Puts the JVM in one virtual-thread scenario and writes HotSpotDiagnosticMXBean.dumpThreads(JSON) to a file.
 * Run with JDK 21+: java -cp sample-target/target/classes scripts/hangs/DumpProbe.java SCENARIO OUT.json
 * SCENARIO: monitor | lock | cycle3 | chain | busy N
 */
public class DumpProbe {
    public static void main(String[] args) throws Exception {
        String scenario = args[0];
        Path out = Path.of(args[1]);
        switch (scenario) {
            case "monitor" -> VirtualThreads.deadlockOnMonitors();
            case "lock" -> VirtualThreads.deadlockOnLocks();
            case "cycle3" -> VirtualThreads.cycleOfThree();
            case "chain" -> VirtualThreads.chainIntoPlatformCycle();
            case "busy" -> { VirtualThreads.startBusy(Integer.parseInt(args[2])); Thread.sleep(1000); }
            default -> throw new IllegalArgumentException(scenario);
        }
        Files.deleteIfExists(out);
        HotSpotDiagnosticMXBean bean = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        bean.dumpThreads(out.toAbsolutePath().toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
        System.out.println("wrote " + out + " " + Files.size(out) + " bytes");
        long[] dl = ManagementFactory.getThreadMXBean().findDeadlockedThreads();
        System.out.println("ThreadMXBean.findDeadlockedThreads: " + (dl == null ? "null" : java.util.Arrays.toString(dl)));
        System.exit(0);
    }
}
