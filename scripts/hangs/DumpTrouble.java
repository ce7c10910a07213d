import com.sun.management.HotSpotDiagnosticMXBean;
import io.jvmhealth.sample.VirtualThreads;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * What dumpThreads does where the dump cannot be written: java.io.tmpdir on a full (small tmpfs) or read-only
 * file system. java -Djava.io.tmpdir=DIR -cp sample-target/target/classes scripts/hangs/DumpTrouble.java N
 */
public class DumpTrouble {
    public static void main(String[] args) throws Exception {
        VirtualThreads.startBusy(Integer.parseInt(args[0]), 1000, 10000);
        Path dir;
        try {
            dir = Files.createTempDirectory("jvm-health-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            System.out.println("private directory " + dir + " " + PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        } catch (Exception e) {
            System.out.println("createTempDirectory failed: " + e);
            System.exit(0);
            return;
        }
        Path f = dir.resolve("threads.json");
        HotSpotDiagnosticMXBean bean = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        long t0 = System.nanoTime();
        try {
            bean.dumpThreads(f.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
            System.out.println("dumpThreads returned normally");
        } catch (Throwable e) {
            System.out.println("dumpThreads threw " + e);
        }
        System.out.println("after " + (System.nanoTime() - t0) / 1_000_000 + " ms the file exists: " + Files.exists(f) + (Files.exists(f) ? ", " + Files.size(f) + " bytes" : ""));
        try {
            bean.dumpThreads("relative.json", HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
        } catch (Throwable e) {
            System.out.println("a relative path: " + e);
        }
        Files.deleteIfExists(f);
        Files.delete(dir);
        System.exit(0);
    }
}
