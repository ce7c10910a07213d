package io.jvmhealth.agent.health;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Metric names derived from detail keys, with base units; label values escaped; non-numbers skipped. */
class MetricsTextTest {

    @Test
    void detailKeysBecomeSnakeCaseNamesWithBaseUnits() {
        assertArrayEquals(new String[] {"jvmhealth_check_used_after_gc_bytes", "1"}, MetricsText.metricName("usedAfterGcBytes"));
        assertArrayEquals(new String[] {"jvmhealth_check_paused_seconds", "1000"}, MetricsText.metricName("pausedMillis"));
        assertArrayEquals(new String[] {"jvmhealth_check_pause_ratio", "1"}, MetricsText.metricName("pauseFraction"));
        assertArrayEquals(new String[] {"jvmhealth_check_wait_seconds", "1000000000"}, MetricsText.metricName("waitNanos"));
        assertArrayEquals(new String[] {"jvmhealth_check_gc_bytes", "1"}, MetricsText.metricName("GCBytes"));
        assertArrayEquals(new String[] {"jvmhealth_check_open_fds", "1"}, MetricsText.metricName("open.fds"));
        assertArrayEquals(new String[] {"jvmhealth_check_throttled_periods", "1"}, MetricsText.metricName("throttledPeriodsTotal"));
        assertArrayEquals(new String[] {"jvmhealth_check_ratio", "1"}, MetricsText.metricName("ratio"));
        assertNull(MetricsText.metricName("status"));
        assertNull(MetricsText.metricName("__"));
    }

    @Test
    void figuresAreNumbersOnlyGroupedByNameWithEscapedLabels() {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("maxBytes", 10L);
        a.put("pools", Arrays.asList("x"));
        a.put("flag", true);
        a.put("text", "12");
        a.put("pausedMillis", 1500);
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("maxBytes", 20L);
        b.put("nan", Double.NaN);
        String text = new String(MetricsText.prepare(Arrays.asList(
                new Checked("a", Role.READINESS, true, false, CheckResult.healthy(a)),
                new Checked("we\"ird\\na\nme", Role.READINESS, true, false, CheckResult.healthy(b))), 2_500_000L, true),
                java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(text.contains("# TYPE jvmhealth_check_max_bytes gauge\njvmhealth_check_max_bytes{check=\"a\"} 10\n"
                + "jvmhealth_check_max_bytes{check=\"we\\\"ird\\\\na\\nme\"} 20\n"), text);
        assertTrue(text.contains("jvmhealth_check_paused_seconds{check=\"a\"} 1.5\n"), text);
        assertTrue(text.contains("jvmhealth_check_nan{check=\"we\\\"ird\\\\na\\nme\"} NaN\n"), text);
        assertTrue(text.contains("jvmhealth_evaluation_duration_seconds 0.0025\n"), text);
        assertFalse(text.contains("pools") || text.contains("flag") || text.contains("_text"), text);
        assertEquals(1, text.split("# TYPE jvmhealth_check_max_bytes ", -1).length - 1, text);

        String none = new String(MetricsText.prepare(Collections.<Checked>emptyList(), -1, false), java.nio.charset.StandardCharsets.UTF_8);
        assertFalse(none.contains("duration"), none);
    }
}
