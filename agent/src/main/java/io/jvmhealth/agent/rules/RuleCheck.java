package io.jvmhealth.agent.rules;

import io.jvmhealth.agent.base.AgentLog;
import io.jvmhealth.agent.health.CheckResult;
import io.jvmhealth.agent.health.Publisher;
import io.jvmhealth.agent.jmx.JmxAccess;
import io.jvmhealth.agent.jmx.JmxReader;
import io.jvmhealth.agent.health.HealthCheck;
import io.jvmhealth.agent.health.MetricFamily;
import io.jvmhealth.agent.health.Role;
import io.jvmhealth.agent.health.Status;

import javax.management.AttributeNotFoundException;
import javax.management.InstanceNotFoundException;
import javax.management.MBeanException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.ReflectionException;
import javax.management.RuntimeErrorException;
import javax.management.RuntimeMBeanException;
import javax.management.openmbean.CompositeData;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One rule (or preset) as a check. {@link #evaluate()} never touches an MBean: it queues one read
 * on the {@link JmxReader} (unless the previous read has not returned) and returns the latest
 * known result at once; the read judges its values and, when the status changed, asks the
 * evaluator to publish at once. A read that has not returned within the budget makes the rule
 * unhealthy with the MBean and attribute it is stuck in; that attribute is not read again until
 * the getter returns, so a stuck getter costs one thread, not one per evaluation.
 *
 * <p>Only the very first result is waited for, by every rule together at most
 * {@link FirstReads#WAIT_MILLIS}, so the first snapshot already carries real values.
 */
public final class RuleCheck implements HealthCheck {
    /** MBeans read per part and read, at most (bounded work per rule and interval). */
    static final int MAX_MATCHES = 200;
    static final String WAITING_FOR_JMX = "waiting for the application to initialize JMX (java.util.logging or an MBeanServer)";
    public static final MetricFamily VALUE = MetricFamily.gauge("jvmhealth_check_value",
            "The value each rule judged (of its worst match), where it is a number.");
    public static final MetricFamily MATCHED = MetricFamily.gauge("jvmhealth_check_matched",
            "How many MBeans each rule's names or patterns matched in its last read.");
    public static final MetricFamily BLOCKED_SECONDS = MetricFamily.gauge("jvmhealth_check_blocked_seconds",
            "How long each rule's MBean read has not returned, while it exceeds its budget.");
    public static final MetricFamily BUDGET_SECONDS = MetricFamily.gauge("jvmhealth_check_budget_seconds",
            "The time budget of each rule's MBean read, reported while a read exceeds it.");
    private static final List<MetricFamily> FAMILIES = Collections.unmodifiableList(java.util.Arrays.asList(
            VALUE, MATCHED, BLOCKED_SECONDS, BUDGET_SECONDS));

    private final Rule rule;
    private final boolean preset;
    private final Judge judge;
    private final JmxAccess access;
    private final JmxReader reader;
    private final FirstReads firstReads;
    private final Publisher publisher;
    private final Runnable read = new Runnable() {
        @Override
        public void run() {
            readNow();
        }
    };
    private final CountDownLatch firstRead = new CountDownLatch(1);

    private volatile CheckResult latest;
    private volatile boolean inFlight;
    private volatile long startedNanos;
    private volatile long submittedNanos;
    /** The MBean and attribute the running read is in, for the reason when it blocks. */
    private volatile String reading;

    public RuleCheck(Rule rule, boolean preset, JmxAccess access, JmxReader reader, FirstReads firstReads, Publisher publisher) {
        this.rule = rule;
        this.preset = preset;
        this.judge = new Judge(rule);
        this.access = access;
        this.reader = reader;
        this.firstReads = firstReads;
        this.publisher = publisher;
    }

    @Override
    public String name() {
        return rule.name();
    }

    @Override
    public Role role() {
        return rule.role();
    }

    @Override
    public List<MetricFamily> metricFamilies() {
        return FAMILIES;
    }

    /** The families every rule and preset reports. */
    static List<MetricFamily> families() {
        return FAMILIES;
    }

    @Override
    public CheckResult evaluate() {
        long now = System.nanoTime();
        if (preset ? !access.serverExists(now) : !access.ready(now)) {
            return waiting();
        }
        reader.maintain(now);
        if (inFlight) {
            long started = startedNanos;
            if (started != 0 && now - started > reader.budgetNanos()) {
                return blocked(now - started);
            }
            if (started == 0 && now - submittedNanos > reader.budgetNanos() && reader.exhausted()) {
                return CheckResult.of(Status.UNHEALTHY, "not read: all " + JmxReader.MAX_THREADS
                        + " JMX reader threads are blocked in MBean getters (see the rules whose reads block)", null);
            }
            return current();
        }
        inFlight = true;
        startedNanos = 0;
        submittedNanos = now;
        reader.submit(read);
        if (latest == null) {
            firstReads.await(firstRead, now);
        }
        return current();
    }

    /** True while this rule's read is queued or running (benchmarks and tests wait on it). */
    public boolean reading() {
        return inFlight;
    }

    private CheckResult waiting() {
        if (preset) {
            return CheckResult.absent();
        }
        if (rule.role() == Role.STARTUP) {
            return CheckResult.of(Status.UNHEALTHY, WAITING_FOR_JMX, null);
        }
        return CheckResult.healthy(Collections.<String, Object>singletonMap("waiting", WAITING_FOR_JMX));
    }

    private CheckResult current() {
        CheckResult r = latest;
        if (r != null) {
            return r;
        }
        if (rule.role() == Role.STARTUP) {
            return CheckResult.of(Status.UNHEALTHY, "waiting for the first read of " + rule.parts().get(0).mbean(), null);
        }
        return preset ? CheckResult.absent() : CheckResult.healthy(Collections.<String, Object>singletonMap("pending", "first read"));
    }

    private CheckResult blocked(long nanos) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("reading", reading);
        details.put("blockedMillis", TimeUnit.NANOSECONDS.toMillis(nanos));
        details.put("budgetMillis", TimeUnit.NANOSECONDS.toMillis(reader.budgetNanos()));
        return CheckResult.of(Status.UNHEALTHY, "reading " + reading + " has not returned after "
                + Judge.duration(TimeUnit.NANOSECONDS.toMillis(nanos)) + " (budget "
                + Judge.duration(TimeUnit.NANOSECONDS.toMillis(reader.budgetNanos()))
                + "): the getter blocks; it is not read again until it returns", details)
                .with(Double.NaN, Double.NaN, nanos / 1e9, reader.budgetNanos() / 1e9);
    }

    /** On a reader thread: reads every match of every part and judges them. */
    private void readNow() {
        long now = System.nanoTime();
        startedNanos = now == 0 ? 1 : now;
        CheckResult result;
        try {
            MBeanServer server = access.server();
            List<List<Reading>> readings = new ArrayList<>(rule.parts().size());
            boolean truncated = false;
            for (Rule.Part part : rule.parts()) {
                Set<ObjectName> names = matches(server, part.mbean());
                List<Reading> reads = new ArrayList<>(Math.min(names.size(), MAX_MATCHES));
                for (ObjectName name : names) {
                    if (reads.size() == MAX_MATCHES) {
                        truncated = true;
                        break;
                    }
                    Reading r = read(server, name, part);
                    if (r != null) {
                        reads.add(r);
                    }
                }
                readings.add(reads);
            }
            result = judge.judge(readings, System.nanoTime(), truncated); // its figures: the value judged, the matches
            if (preset && result.details().get("matched") instanceof Integer && (Integer) result.details().get("matched") == 0) {
                result = CheckResult.absent();
            }
        } catch (Throwable e) {
            result = CheckResult.failed("reading MBeans failed: " + AgentLog.describe(e));
        }
        CheckResult before = latest;
        latest = result;
        reading = null;
        inFlight = false;
        firstRead.countDown();
        if (publisher != null && (before == null || before.status() != result.status() || before.isAbsent() != result.isAbsent())) {
            publisher.publishNow();
        }
    }

    /** Every MBean the name or pattern matches, in canonical-name order (a stable "first"). */
    private static Set<ObjectName> matches(MBeanServer server, ObjectName pattern) {
        if (!pattern.isPattern()) {
            return server.isRegistered(pattern) ? Collections.singleton(pattern) : Collections.<ObjectName>emptySet();
        }
        TreeSet<ObjectName> sorted = new TreeSet<>(server.queryNames(pattern, null));
        return sorted;
    }

    /** One match's value; null when the MBean went away meanwhile. */
    private Reading read(MBeanServer server, ObjectName name, Rule.Part part) {
        String mbean = name.getCanonicalName();
        try {
            Object value = value(server, name, mbean, part.path(), part.attribute());
            if (value instanceof Reading) {
                return (Reading) value;
            }
            if (part.divide() == null) {
                return Reading.value(mbean, value);
            }
            Object divisor = value(server, name, mbean, part.dividePath(), part.divide());
            if (divisor instanceof Reading) {
                return (Reading) divisor;
            }
            if (!(value instanceof Number) || !(divisor instanceof Number)) {
                return Reading.failed(mbean, part.label() + " of " + mbean + " cannot be divided: "
                        + Judge.show(value) + " / " + Judge.show(divisor) + " (both must be numbers)");
            }
            double d = ((Number) divisor).doubleValue();
            if (d == 0) {
                return Reading.divideByZero(mbean);
            }
            return Reading.value(mbean, ((Number) value).doubleValue() / d);
        } catch (InstanceNotFoundException e) {
            return null;
        } catch (AttributeNotFoundException e) {
            if (preset) {
                return null; // another version of the library, without this attribute: not judged rather than unready
            }
            return Reading.failed(mbean, "MBean " + mbean + " has no attribute " + (reading == null ? "" : reading.substring(0, reading.indexOf(" of "))));
        } catch (MBeanException | ReflectionException | RuntimeMBeanException | RuntimeErrorException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            return Reading.failed(mbean, "reading " + reading + " failed: " + AgentLog.describe(cause));
        } catch (Throwable e) {
            return Reading.failed(mbean, "reading " + reading + " failed: " + AgentLog.describe(e));
        }
    }

    /** The attribute, then the composite keys of {@code path}; a {@link Reading} (failed) when a key is missing. */
    private Object value(MBeanServer server, ObjectName name, String mbean, String[] path, String spelled) throws Exception {
        reading = path[0] + " of " + mbean;
        Object v = server.getAttribute(name, path[0]);
        for (int i = 1; i < path.length; i++) {
            if (!(v instanceof CompositeData)) {
                return Reading.failed(mbean, spelled + " of " + mbean + ": " + path[i - 1] + " is " + Judge.show(v)
                        + ", not composite data with key '" + path[i] + "'");
            }
            CompositeData data = (CompositeData) v;
            if (!data.containsKey(path[i])) {
                return Reading.failed(mbean, spelled + " of " + mbean + ": " + path[i - 1] + " has no key '" + path[i]
                        + "' (keys: " + data.getCompositeType().keySet() + ")");
            }
            v = data.get(path[i]);
        }
        if (v instanceof Character || v instanceof Enum) {
            return String.valueOf(v);
        }
        return v;
    }

    @Override
    public void close() {
        reader.close();
    }

    /** The bound on how long the first evaluation waits for the rules' first reads, shared by all rules. */
    public static final class FirstReads {
        static final long WAIT_MILLIS = 200;
        private long deadlineNanos;

        /** Evaluator thread only. */
        void await(CountDownLatch first, long nowNanos) {
            if (deadlineNanos == 0) {
                deadlineNanos = nowNanos + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
            }
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                return;
            }
            try {
                first.await(left, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
