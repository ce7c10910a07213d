package io.jvmhealth.agent.health;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Figures under the families their checks declare: grouped by family, typed, label values escaped, never from details. */
class MetricsTextTest {
    private static final MetricFamily MAX = MetricFamily.gauge("jvmhealth_check_max_bytes", "The most.");
    private static final MetricFamily DONE = MetricFamily.counter("jvmhealth_check_done_total", "How many.");

    private static String text(Checked... checks) {
        return new String(MetricsText.prepare(Arrays.asList(checks), 2_500_000L, true), StandardCharsets.UTF_8);
    }

    private static Checked checked(String name, CheckResult result, MetricFamily... families) {
        return new Checked(name, Role.READINESS, true, false, result, Arrays.asList(families));
    }

    @Test
    void figuresAreWrittenUnderTheDeclaredFamiliesGroupedWithEscapedLabels() {
        String text = text(
                checked("a", CheckResult.healthy(null).with(10, 3), MAX, DONE),
                checked("we\"ird\\na\nme", CheckResult.healthy(null).with(20), MAX));
        assertTrue(text.contains("# HELP jvmhealth_check_max_bytes The most.\n# TYPE jvmhealth_check_max_bytes gauge\n"
                + "jvmhealth_check_max_bytes{check=\"a\"} 10\njvmhealth_check_max_bytes{check=\"we\\\"ird\\\\na\\nme\"} 20\n"), text);
        assertTrue(text.contains("# TYPE jvmhealth_check_done_total counter\njvmhealth_check_done_total{check=\"a\"} 3\n"), text);
        assertTrue(text.contains("jvmhealth_evaluation_duration_seconds 0.0025\n"), text);
        assertEquals(1, text.split("# TYPE jvmhealth_check_max_bytes ", -1).length - 1, text);
    }

    /** A figure not known now is NaN: its line is left out, the family stays declared by the others. */
    @Test
    void aFigureThatIsNotKnownIsLeftOut() {
        String text = text(checked("a", CheckResult.healthy(null).with(Double.NaN, 4), MAX, DONE));
        assertFalse(text.contains("jvmhealth_check_max_bytes"), text);
        assertTrue(text.contains("jvmhealth_check_done_total{check=\"a\"} 4\n"), text);
    }

    /** Details are for people: renaming a key, or any value in them, writes no metric. */
    @Test
    void detailsNeverBecomeMetrics() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("maxBytes", 10L);
        details.put("port", 8080);
        String text = text(checked("port:8080", CheckResult.healthy(details)));
        assertFalse(text.contains("max_bytes") || text.contains("jvmhealth_check_port"), text);
    }

    @Test
    void withoutDetailsOnlyTheStatusAndTheDurationAreWritten() {
        String brief = new String(MetricsText.prepare(Collections.singletonList(
                checked("a", CheckResult.healthy(null).with(10), MAX)), 1_000_000L, false), StandardCharsets.UTF_8);
        assertFalse(brief.contains("jvmhealth_check_max_bytes") || brief.contains("jvmhealth_info"), brief);
        assertTrue(brief.contains("jvmhealth_check_status{check=\"a\",status=\"healthy\"} 1\n"), brief);
        String none = new String(MetricsText.prepare(Collections.<Checked>emptyList(), -1, false), StandardCharsets.UTF_8);
        assertFalse(none.contains("duration"), none);
    }

    @Test
    void aCounterIsNamedTotal() {
        try {
            MetricFamily.counter("jvmhealth_x", "no suffix");
        } catch (IllegalArgumentException expected) {
            return;
        }
        throw new AssertionError("a counter without _total was accepted");
    }
}
