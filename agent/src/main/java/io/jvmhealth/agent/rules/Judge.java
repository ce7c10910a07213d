package io.jvmhealth.agent.rules;

import io.jvmhealth.agent.health.CheckResult;
import io.jvmhealth.agent.health.Status;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Judges one rule's readings: each match of each part against the part's conditions, with
 * {@code for} tracked per part and per match; the worst match decides, and the details name it and
 * how many matched. Pure (no JMX), so every case is unit-tested; one instance per rule, used by one
 * thread at a time.
 */
final class Judge {
    private final Rule rule;
    /** Per part: MBean name -&gt; {since when the degraded condition holds, since when the unhealthy one holds} (nanos, 0: not holding). */
    private final List<Map<String, long[]>> held;
    /** Per part with {@code unchanged}: MBean name -&gt; {the value last read, since when (nanos) it reads so}. */
    private final List<Map<String, Object[]>> lastValues;

    Judge(Rule rule) {
        this.rule = rule;
        this.held = new java.util.ArrayList<>();
        this.lastValues = new java.util.ArrayList<>();
        for (int i = 0; i < rule.parts().size(); i++) {
            held.add(new HashMap<String, long[]>());
            lastValues.add(new HashMap<String, Object[]>());
        }
    }

    Rule rule() {
        return rule;
    }

    /**
     * @param readings per part (same order as {@link Rule#parts()}), the readings of its matches
     *                 in a stable order
     * @param truncated true when a part matched more MBeans than were read
     */
    CheckResult judge(List<List<Reading>> readings, long nowNanos, boolean truncated) {
        int matched = 0;
        Status worst = null;
        String reason = null;
        Map<String, Object> decider = null;
        String pending = null;
        for (int p = 0; p < readings.size(); p++) {
            Rule.Part part = rule.parts().get(p);
            List<Reading> reads = readings.get(p);
            Map<String, long[]> since = held.get(p);
            if (since.size() > reads.size()) {
                since.keySet().retainAll(names(reads)); // forget MBeans that are gone
            }
            Map<String, Object[]> last = lastValues.get(p);
            if (last.size() > reads.size()) {
                last.keySet().retainAll(names(reads));
            }
            matched += reads.size();
            for (Reading r : reads) {
                Verdict v = worse(verdict(part, r, since, nowNanos), unchanged(part, r, last, nowNanos));
                if (pending == null && v.pending != null) {
                    pending = v.pending;
                }
                if (worst == null || v.status.ordinal() > worst.ordinal()) {
                    worst = v.status;
                    reason = v.reason;
                    decider = new LinkedHashMap<>();
                    decider.put("mbean", r.mbean);
                    decider.put("attribute", part.label());
                    decider.put("value", r.divideByZero ? "no value: " + part.divide() + " is 0" : json(r.value));
                }
            }
        }
        Map<String, Object> details = new LinkedHashMap<>();
        if (matched == 0) {
            details.put("matched", 0);
            details.put("mbean", patterns());
            Status missing = rule.missing();
            return CheckResult.of(missing, "no MBean matches " + patterns() + " (" + missing.json() + " when none does)", details)
                    .with(Double.NaN, 0);
        }
        details.putAll(decider);
        details.put("matched", matched);
        if (truncated) {
            details.put("truncated", "more MBeans match than are read; only the first " + RuleCheck.MAX_MATCHES + " of each pattern were judged");
        }
        if (pending != null) {
            details.put("pending", pending);
        }
        Object value = decider.get("value");
        return CheckResult.of(worst, reason, details).with(value instanceof Number ? ((Number) value).doubleValue() : Double.NaN, matched);
    }

    private static java.util.Set<String> names(List<Reading> reads) {
        java.util.Set<String> names = new java.util.HashSet<>();
        for (Reading r : reads) {
            names.add(r.mbean);
        }
        return names;
    }

    private String patterns() {
        StringBuilder b = new StringBuilder();
        for (Rule.Part part : rule.parts()) {
            String p = part.mbean().getCanonicalName();
            if (b.indexOf(p) < 0) {
                b.append(b.length() == 0 ? "" : " or ").append(p);
            }
        }
        return b.toString();
    }

    private static final class Verdict {
        final Status status;
        final String reason;
        final String pending;

        Verdict(Status status, String reason, String pending) {
            this.status = status;
            this.reason = reason;
            this.pending = pending;
        }
    }

    /** The worse of two verdicts (the first's pending note kept when the second has none). */
    private static Verdict worse(Verdict a, Verdict b) {
        if (b == null) {
            return a;
        }
        Verdict w = b.status.ordinal() > a.status.ordinal() ? b : a;
        return new Verdict(w.status, w.reason, w.pending != null ? w.pending : (a.pending != null ? a.pending : b.pending));
    }

    /**
     * {@code unchanged}: unhealthy once the value has read the same for that long (a request counter that stopped
     * moving); null for a part without it. An error or a missing value is judged by {@link #verdict}.
     */
    private static Verdict unchanged(Rule.Part part, Reading r, Map<String, Object[]> last, long now) {
        if (part.unchangedMillis() <= 0 || r.error != null || r.divideByZero) {
            return null;
        }
        Object[] seen = last.get(r.mbean);
        if (seen == null || !same(seen[0], r.value)) {
            last.put(r.mbean, new Object[] {r.value, stamp(now)});
            return new Verdict(Status.HEALTHY, null, null);
        }
        long forNanos = now - (Long) seen[1];
        long limitNanos = part.unchangedMillis() * 1_000_000L;
        if (forNanos >= limitNanos) {
            return new Verdict(Status.UNHEALTHY, part.label() + " of " + r.mbean + " has not changed for " + duration(forNanos / 1_000_000L)
                    + ": it stays " + show(r.value) + " (unhealthy when unchanged for " + duration(part.unchangedMillis()) + ")", null);
        }
        return new Verdict(Status.HEALTHY, null, "unhealthy if " + part.label() + " stays " + show(r.value) + " for another "
                + duration((limitNanos - forNanos) / 1_000_000L));
    }

    private static boolean same(Object a, Object b) {
        if (a instanceof Number && b instanceof Number) {
            return ((Number) a).doubleValue() == ((Number) b).doubleValue();
        }
        return a == null ? b == null : a.equals(b);
    }

    private static Verdict verdict(Rule.Part part, Reading r, Map<String, long[]> since, long now) {
        if (r.error != null) {
            since.remove(r.mbean);
            return new Verdict(Status.UNHEALTHY, r.error, null);
        }
        if (r.divideByZero) {
            since.remove(r.mbean);
            return new Verdict(Status.HEALTHY, null, null);
        }
        Object value = r.value;
        String what = part.label() + " of " + r.mbean;
        boolean numeric = value instanceof Number;
        if (!numeric && value != null && needsNumber(part)) {
            since.remove(r.mbean);
            return new Verdict(Status.UNHEALTHY, what + " is " + show(value) + ", not a number (rule: "
                    + conditions(part) + ")", null);
        }
        boolean unhealthy = part.unhealthy() != null && part.unhealthy().holds(value);
        boolean degraded = part.degraded() != null && part.degraded().holds(value);
        long[] s = since.get(r.mbean);
        if (s == null) {
            if (!unhealthy && !degraded) {
                return new Verdict(Status.HEALTHY, null, null);
            }
            s = new long[2];
            since.put(r.mbean, s);
        }
        s[0] = degraded ? (s[0] == 0 ? stamp(now) : s[0]) : 0;
        s[1] = unhealthy ? (s[1] == 0 ? stamp(now) : s[1]) : 0;
        long forNanos = part.forMillis() * 1_000_000L;
        String forText = part.forMillis() > 0 ? " for " + duration(part.forMillis()) : "";
        if (unhealthy && (forNanos == 0 || now - s[1] >= forNanos)) {
            return new Verdict(Status.UNHEALTHY, what + " is " + show(value) + " (unhealthy when " + part.unhealthy() + forText
                    + (forText.isEmpty() ? "" : ": held " + duration((now - s[1]) / 1_000_000L)) + ")", null);
        }
        String pending = unhealthy ? "unhealthy if " + part.unhealthy() + " still holds in "
                + duration((forNanos - (now - s[1])) / 1_000_000L) : null;
        if (degraded && (forNanos == 0 || now - s[0] >= forNanos)) {
            return new Verdict(Status.DEGRADED, what + " is " + show(value) + " (degraded when " + part.degraded() + forText
                    + (forText.isEmpty() ? "" : ": held " + duration((now - s[0]) / 1_000_000L)) + ")", pending);
        }
        if (pending == null && degraded) {
            pending = "degraded if " + part.degraded() + " still holds in " + duration((forNanos - (now - s[0])) / 1_000_000L);
        }
        if (!degraded && !unhealthy) {
            since.remove(r.mbean);
        }
        return new Verdict(Status.HEALTHY, null, pending);
    }

    /** 0 marks "not holding", so a real time stamp of 0 is moved by a nanosecond (with for=0 the status applies at once). */
    private static long stamp(long now) {
        return now == 0 ? 1 : now;
    }

    private static boolean needsNumber(Rule.Part part) {
        return part.degraded() != null && part.degraded().needsNumber()
                || part.unhealthy() != null && part.unhealthy().needsNumber();
    }

    private static String conditions(Rule.Part part) {
        StringBuilder b = new StringBuilder();
        if (part.degraded() != null) {
            b.append("degraded when ").append(part.degraded());
        }
        if (part.unhealthy() != null) {
            b.append(b.length() == 0 ? "" : ", ").append("unhealthy when ").append(part.unhealthy());
        }
        return b.toString();
    }

    /** The value as it stands in details: numbers and booleans as themselves, anything else as text. */
    static Object json(Object value) {
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            return Double.isNaN(d) || Double.isInfinite(d) ? String.valueOf(d) : Double.valueOf(round(d));
        }
        if (value instanceof Number || value instanceof Boolean || value instanceof String) {
            return value;
        }
        return String.valueOf(value);
    }

    /** The value as it stands in a reason: {@code 12}, {@code 0.9167}, {@code 'STARTING'}. */
    static String show(Object value) {
        if (value instanceof Number) {
            double d = ((Number) value).doubleValue();
            if (d == Math.rint(d) && Math.abs(d) < 1e15) {
                return Long.toString((long) d);
            }
            return Double.isNaN(d) || Double.isInfinite(d) ? String.valueOf(d) : BigDecimal.valueOf(round(d)).stripTrailingZeros().toPlainString();
        }
        if (value == null || value instanceof Boolean) {
            return String.valueOf(value);
        }
        String text = String.valueOf(value);
        return "'" + (text.length() > 200 ? text.substring(0, 200) + "..." : text) + "'";
    }

    private static double round(double d) {
        return d == 0 || Double.isNaN(d) || Double.isInfinite(d) ? d : new BigDecimal(d).round(new MathContext(4)).doubleValue();
    }

    static String duration(long millis) {
        if (millis < 0) {
            millis = 0;
        }
        if (millis % 60_000 == 0 && millis >= 60_000) {
            return millis / 60_000 + "m";
        }
        if (millis >= 10_000 || millis % 1000 == 0) {
            return Math.round(millis / 1000.0) + "s";
        }
        return millis < 1000 ? millis + "ms" : millis / 100 / 10.0 + "s";
    }
}
