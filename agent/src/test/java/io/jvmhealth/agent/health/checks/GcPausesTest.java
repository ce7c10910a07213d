package io.jvmhealth.agent.health.checks;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every collector's beans as JDK 17 and JDK 25 name them (seen with -XX:+Use*GC on both). */
class GcPausesTest {

    @ParameterizedTest(name = "{0} / {1} / {2} -> pause={3}")
    @CsvSource(delimiter = '|', value = {
        // G1, JDK 17 and 25
        "G1 Young Generation    | end of minor GC              | G1 Evacuation Pause | true",
        "G1 Young Generation    | end of minor GC              | G1 Humongous Allocation | true",
        "G1 Old Generation      | end of major GC              | System.gc()         | true",
        // G1, JDK 20+: Remark and Cleanup, stop-the-world although the cause says "No GC"
        "G1 Concurrent GC       | end of concurrent GC pause   | No GC               | true",
        // Parallel
        "PS Scavenge            | end of minor GC              | Allocation Failure  | true",
        "PS MarkSweep           | end of major GC              | Ergonomics          | true",
        // Serial
        "Copy                   | end of minor GC              | Allocation Failure  | true",
        "MarkSweepCompact       | end of major GC              | System.gc()         | true",
        // ZGC, JDK 17 (single generation)
        "ZGC Cycles             | end of GC cycle              | Allocation Rate     | false",
        "ZGC Pauses             | end of GC pause              | Allocation Rate     | true",
        // ZGC, JDK 21+ (generational)
        "ZGC Minor Cycles       | end of GC cycle              | Allocation Rate     | false",
        "ZGC Major Cycles       | end of GC cycle              | Warmup              | false",
        "ZGC Minor Pauses       | end of GC pause              | Allocation Rate     | true",
        "ZGC Major Pauses       | end of GC pause              | System.gc()         | true",
        // Shenandoah, JDK 17 and 25 (also generational mode)
        "Shenandoah Cycles      | end of GC cycle              | Concurrent GC       | false",
        "Shenandoah Pauses      | Init Mark                    | Concurrent GC       | true",
        "Shenandoah Pauses      | Final Mark                   | Concurrent GC       | true",
        // CMS (JDK 8 to 13): its time includes concurrent phases
        "ConcurrentMarkSweep    | end of major GC              | CMS Initial Mark    | false",
        "ParNew                 | end of minor GC              | Allocation Failure  | true",
        // unknown collectors: "No GC" is concurrent, anything else counts as a pause
        "Some Future GC         | end of something             | No GC               | false",
        "Some Future GC         | end of something             | Allocation Failure  | true",
    })
    void classifiesEachCollectorsEvents(String bean, String action, String cause, boolean pause) {
        assertEquals(pause, GcPauses.isPause(bean.trim(), action.trim(), cause.trim()));
    }

    @ParameterizedTest(name = "{0} -> pause time={1}, usage after GC meaningful={2}")
    @CsvSource(delimiter = '|', value = {
        "G1 Young Generation | true  | true",
        "G1 Old Generation   | true  | true",
        "G1 Concurrent GC    | true  | true",
        "PS Scavenge         | true  | true",
        "MarkSweepCompact    | true  | true",
        "ZGC Cycles          | false | true",
        "ZGC Pauses          | true  | false",
        "ZGC Major Cycles    | false | true",
        "ZGC Minor Pauses    | true  | false",
        "Shenandoah Cycles   | false | true",
        "Shenandoah Pauses   | true  | false",
        "ConcurrentMarkSweep | false | true",
    })
    void classifiesBeansForPollingAndHeapReadings(String bean, boolean pauseBean, boolean usageAfter) {
        assertEquals(pauseBean, GcPauses.isPauseBean(bean.trim()));
        assertEquals(usageAfter, GcPauses.reportsUsageAfterCollection(bean.trim()));
    }

    @ParameterizedTest(name = "{0} -> major={1}, spirals without pauses={2}")
    @CsvSource(delimiter = '|', value = {
        "G1 Young Generation | false | false",
        "G1 Old Generation   | true  | false",
        "G1 Concurrent GC    | false | false",
        "PS Scavenge         | false | false",
        "PS MarkSweep        | true  | false",
        "Copy                | false | false",
        "MarkSweepCompact    | true  | false",
        "ZGC Cycles          | true  | true",
        "ZGC Pauses          | false | true",
        "ZGC Minor Cycles    | false | true",
        "ZGC Major Cycles    | true  | true",
        "ZGC Major Pauses    | false | true",
        "Shenandoah Cycles   | true  | false",
        "Shenandoah Pauses   | false | false",
        "Some Future GC      | false | false",
    })
    void tellsMajorCollectionsAndTheCollectorThatStallsInsteadOfPausing(String bean, boolean major, boolean withoutPauses) {
        assertEquals(major, GcPauses.isMajor(bean.trim()));
        assertEquals(withoutPauses, GcPauses.spiralsWithoutPauses(bean.trim()));
    }
}
