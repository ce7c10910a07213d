import io.jvmhealth.sample.GcPressure;

import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Per-second GC figures of the sample target's GC workloads, as the agent's MXBeans would see them.
 * java -Xmx256m -XX:+UseXxxGC -cp sample-target/target/classes scripts/hangs/GcFigures.java spiral|alloc FRACTION THREADS SECONDS
 * One line per second: t, pause % (stop-the-world beans, as GcPauses counts them), concurrent-cycle % (" Cycles" beans'
 * collection time), old-gen after the latest collection % of its max (from GC notifications, as HeapCheck), old-gen used now %,
 * collections in that second, operations completed in that second, OutOfMemoryErrors caught so far, old-gen after the latest
 * major collection (full GC, whole old/major cycle) % of its max, major collections in that second.
 */
public class GcFigures {
    static final AtomicLong afterGcUsed = new AtomicLong(-1);
    static final AtomicLong afterMajorUsed = new AtomicLong(-1);
    static volatile String oldPool;

    public static void main(String[] args) throws Exception {
        String scenario = args[0];
        double fraction = Double.parseDouble(args[1]);
        int threads = Integer.parseInt(args[2]);
        int seconds = Integer.parseInt(args[3]);
        List<GarbageCollectorMXBean> gcs = ManagementFactory.getGarbageCollectorMXBeans();
        MemoryPoolMXBean old = null;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            String n = p.getName().toLowerCase(Locale.ROOT);
            if (p.getType() == MemoryType.HEAP && (n.contains("old") || n.contains("tenured"))) old = p;
        }
        if (old == null) for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            String n = p.getName().toLowerCase(Locale.ROOT);
            if (p.getType() == MemoryType.HEAP && !n.contains("eden") && !n.contains("survivor") && !n.contains("young")) old = p;
        }
        oldPool = old.getName();
        long max = old.getUsage().getMax() > 0 ? old.getUsage().getMax() : Runtime.getRuntime().maxMemory();
        StringBuilder beans = new StringBuilder();
        for (GarbageCollectorMXBean gc : gcs) {
            beans.append(gc.getName()).append(pause(gc.getName()) ? " (pause)" : " (concurrent)").append("; ");
            ((NotificationEmitter) gc).addNotificationListener(new NotificationListener() {
                public void handleNotification(Notification n, Object h) {
                    try {
                        CompositeData cd = (CompositeData) n.getUserData();
                        String bean = (String) cd.get("gcName");
                        if (bean.endsWith(" Pauses")) return; // mid-cycle, as HeapCheck
                        TabularData after = (TabularData) ((CompositeData) cd.get("gcInfo")).get("memoryUsageAfterGc");
                        CompositeData row = after.get(new Object[] {oldPool});
                        if (row != null) {
                            long used = ((Number) ((CompositeData) row.get("value")).get("used")).longValue();
                            afterGcUsed.set(used);
                            if (major(bean)) afterMajorUsed.set(used);
                        }
                    } catch (Throwable e) {
                        // a full heap: skip
                    }
                }
            }, null, null);
        }
        System.out.println("# " + System.getProperty("java.version") + " " + scenario + " " + fraction + " threads=" + threads
                + " maxHeap=" + (Runtime.getRuntime().maxMemory() >> 20) + "MB pool=" + oldPool + " poolMax=" + (max >> 20) + "MB beans: " + beans);
        System.out.println("t\tpause%\tcycle%\tafterGC%\tused%\tgcs\tops/s\tooms\tafterMajor%\tmajors");
        long start = System.nanoTime();
        long[] lastTime = new long[gcs.size()];
        long[] lastCount = new long[gcs.size()];
        for (int i = 0; i < gcs.size(); i++) { lastTime[i] = gcs.get(i).getCollectionTime(); lastCount[i] = gcs.get(i).getCollectionCount(); }
        long lastOps = 0;
        long lastT = System.nanoTime();
        Thread driver = new Thread(() -> {
            if (scenario.equals("spiral")) GcPressure.spiral(fraction, threads); else GcPressure.allocationHeavy(threads);
        });
        driver.setDaemon(true);
        driver.start();
        char[] line = new char[200];
        for (int s = 1; s <= seconds; s++) {
          try {
            Thread.sleep(Math.max(0, (start + s * 1_000_000_000L - System.nanoTime()) / 1_000_000));
            long now = System.nanoTime();
            double wall = (now - lastT) / 1e6;
            lastT = now;
            long pauseMs = 0, cycleMs = 0, count = 0, majors = 0;
            for (int i = 0; i < gcs.size(); i++) {
                long t = gcs.get(i).getCollectionTime(), c = gcs.get(i).getCollectionCount();
                if (pause(gcs.get(i).getName())) pauseMs += t - lastTime[i]; else cycleMs += t - lastTime[i];
                count += c - lastCount[i];
                if (major(gcs.get(i).getName())) majors += c - lastCount[i];
                lastTime[i] = t; lastCount[i] = c;
            }
            long ops = GcPressure.OPS.get();
            long after = afterGcUsed.get();
            long used = old.getUsage().getUsed();
            System.out.println(s + "\t" + pct(pauseMs / wall) + "\t" + pct(cycleMs / wall) + "\t" + (after < 0 ? "-" : pct((double) after / max))
                    + "\t" + pct((double) used / max) + "\t" + count + "\t" + (ops - lastOps) + "\t" + GcPressure.OOMS.get()
                    + "\t" + (afterMajorUsed.get() < 0 ? "-" : pct((double) afterMajorUsed.get() / max)) + "\t" + majors
                    + (GcPressure.firstOomNanos != 0 && s == seconds ? "\tfirstOOM@" + (GcPressure.firstOomNanos - start) / 1_000_000 + "ms" : ""));
            lastOps = ops;
          } catch (Throwable e) {
            // an OutOfMemoryError in the sampler itself (ZGC, Shenandoah): the second is lost, the run goes on
            try { System.out.println(s + "\tsampler: " + e); } catch (Throwable ignored) { }
          }
        }
        System.exit(0);
    }

    static String pct(double f) { return String.valueOf(Math.round(f * 1000) / 10.0); }

    /** Collections after which the old generation holds only live data (full GCs, whole old/major cycles). */
    static boolean major(String bean) {
        return bean.equals("G1 Old Generation") || bean.equals("PS MarkSweep") || bean.equals("MarkSweepCompact")
                || bean.equals("ZGC Major Cycles") || bean.equals("ZGC Cycles") || bean.equals("Shenandoah Cycles");
    }

    /** As the agent's GcPauses.isPauseBean. */
    static boolean pause(String bean) {
        if (bean.equals("G1 Concurrent GC")) return true;
        if (bean.endsWith(" Cycles")) return false;
        return true;
    }
}
