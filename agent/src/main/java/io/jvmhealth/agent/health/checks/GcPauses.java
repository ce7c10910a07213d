package io.jvmhealth.agent.health.checks;

/**
 * Which garbage-collection events are stop-the-world pauses. The one place that knows collector
 * bean names; unit-tested against what JDK 17 and JDK 25 report.
 *
 * <pre>
 * collector (JDK)             bean                     action / cause seen            counted as
 * G1 (17, 25)                 G1 Young Generation      end of minor GC                pause
 *                             G1 Old Generation        end of major GC (full GC)      pause
 * G1 (20+)                    G1 Concurrent GC         end of concurrent GC pause,    pause (Remark and Cleanup
 *                                                      cause "No GC"                   pauses, about 1 ms each)
 * Parallel                    PS Scavenge, PS MarkSweep                                pause
 * Serial                      Copy, MarkSweepCompact                                   pause
 * ZGC single-gen (17)         ZGC Cycles               end of GC cycle                concurrent
 *                             ZGC Pauses               end of GC pause                pause
 * ZGC generational (21+)      ZGC Minor/Major Cycles   end of GC cycle                concurrent
 *                             ZGC Minor/Major Pauses   end of GC pause                pause
 * Shenandoah (17, 25, gen.)   Shenandoah Cycles        end of GC cycle                concurrent
 *                             Shenandoah Pauses        Init/Final Mark, ...           pause
 * CMS (8 to 13)               ConcurrentMarkSweep      includes concurrent phases     concurrent (not separable)
 * anything else               cause "No GC"                                           concurrent
 *                             any other event                                         pause (the safe side)
 * </pre>
 *
 * <p>Major collections ({@link #isMajor}): those after which the old generation (or the one heap pool) holds only
 * what survived a collection of it: {@code G1 Old Generation} (full GCs), {@code PS MarkSweep},
 * {@code MarkSweepCompact}, {@code ZGC Cycles} (single generation: every cycle collects the whole heap),
 * {@code ZGC Major Cycles}, {@code Shenandoah Cycles}. Never a young collection: a healthy Serial JVM's old
 * generation read 99.8 % after young collections (promoted garbage) and 16.6 % after its full ones
 * (docs/checks.md, gc-spiral, the whole matrix). G1's mixed collections are reported by {@code G1 Young Generation} and
 * are not counted (they collect part of the old generation only).
 */
public final class GcPauses {
    private GcPauses() {
    }

    /** True when an event of this bean, action and cause is stop-the-world pause time. */
    public static boolean isPause(String bean, String action, String cause) {
        if (bean.endsWith(" Cycles")) {
            return false;
        }
        if (bean.endsWith(" Pauses")) {
            return true;
        }
        if (action != null && action.toLowerCase(java.util.Locale.ROOT).contains("pause")) {
            return true; // G1 Concurrent GC: "end of concurrent GC pause" is Remark/Cleanup, stop-the-world
        }
        if ("No GC".equals(cause)) {
            return false;
        }
        return !"ConcurrentMarkSweep".equals(bean);
    }

    /**
     * Whether this bean's events carry a meaningful "usage after GC": collections and whole cycles
     * do; the individual pauses of concurrent collectors (ZGC, Shenandoah) happen mid-cycle, when
     * the heap still holds the garbage the cycle is about to free.
     */
    public static boolean reportsUsageAfterCollection(String bean) {
        return !bean.endsWith(" Pauses");
    }

    /** True when a collection of this bean leaves only survivors in the old generation (see the class comment). */
    public static boolean isMajor(String bean) {
        return "G1 Old Generation".equals(bean) || "PS MarkSweep".equals(bean) || "MarkSweepCompact".equals(bean)
                || "ZGC Cycles".equals(bean) || "ZGC Major Cycles".equals(bean) || "Shenandoah Cycles".equals(bean);
    }

    /**
     * True for a collector whose death spiral shows no stop-the-world pauses: ZGC stalls the allocating threads
     * instead of pausing the JVM (measured: 0.1-0.2 % of wall time in pauses while its major cycles ran 9 a second
     * with the heap 93 % full after them). Shenandoah is not one: it degrades to stop-the-world collections.
     */
    public static boolean spiralsWithoutPauses(String majorBean) {
        return majorBean.startsWith("ZGC ");
    }

    /** For collection-time deltas, where no action or cause is known: whether this bean's time is pause time. */
    public static boolean isPauseBean(String bean) {
        if ("G1 Concurrent GC".equals(bean)) {
            return true;
        }
        return isPause(bean, null, null);
    }
}
