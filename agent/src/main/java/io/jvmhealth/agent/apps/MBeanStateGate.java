package io.jvmhealth.agent.apps;

import io.jvmhealth.agent.gates.NeverLoaded;
import io.jvmhealth.agent.health.CheckResult;
import io.jvmhealth.agent.health.MetricFamily;
import io.jvmhealth.agent.health.Role;
import io.jvmhealth.agent.health.Status;
import io.jvmhealth.agent.rules.Rule;
import io.jvmhealth.agent.rules.RuleCheck;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The gate of an application that announces its state in an MBean it registers itself (the Kafka
 * broker's {@code BrokerState}): passes once the attribute's value says it serves. The value is read
 * as a rule reads it ({@link RuleCheck}: the agent's bounded MBean reader, a getter that blocks leaves
 * the gate waiting with that reason, JMX touched only once the application has started it), so the
 * recognizer is data: an ObjectName, an attribute and the condition that means "serving".
 *
 * <p>Once passed, it goes on judging readiness: the value leaving "serving" (or the MBean, once seen, going away)
 * fails it with the reason {@code stoppedAs}. The watch queues one read every {@link #WATCH_MILLIS} (on the
 * reader's thread, never the evaluator's); the read that sees the change publishes at once.
 */
public final class MBeanStateGate extends ServingGate {
    private final String waitingFor;
    private final String mbean;
    private final String detailKey;
    private final RuleCheck read;
    private final NeverLoaded neverRegistered;
    private final List<MetricFamily> families;
    private final String stoppedAs;
    /** Once passed (evaluator thread): judged as serving or not, no longer as waiting. */
    private boolean passed;
    private boolean everRegistered;

    /**
     * @param notServing the condition on the attribute that means "not serving", such as {@code != 3}
     * @param waitingFor what the reason says it waits for: {@code the Kafka broker to be RUNNING (BrokerState 3)}
     * @param detailKey  the details key the value is shown under
     * @param stoppedAs  what the reason says once passed, when the value leaves "serving": {@code the Kafka broker left RUNNING}
     * @param family     the metric family of the value, or null for none
     */
    MBeanStateGate(Recognizer recognizer, AppContext context, String mbean, String attribute, String notServing, String waitingFor,
                   String stoppedAs, String detailKey, MetricFamily family) {
        super(recognizer.gateName());
        this.stoppedAs = stoppedAs;
        this.waitingFor = waitingFor;
        this.mbean = mbean;
        this.detailKey = detailKey;
        this.neverRegistered = new NeverLoaded(recognizer.name());
        this.families = family == null ? Collections.<MetricFamily>emptyList() : Collections.singletonList(family);
        Rule rule = new Rule(recognizer.gateName(), Role.STARTUP, Status.UNHEALTHY,
                Rule.part(mbean, attribute, null, null, notServing, 0));
        this.read = new RuleCheck(rule, false, context.jmxAccess(), context.jmxReader(), new RuleCheck.FirstReads(), context.publisher());
    }

    @Override
    public List<MetricFamily> metricFamilies() {
        return families;
    }

    /** Queues a read (unless one is under way) and answers from the latest: the read that sees a change publishes at once. */
    @Override
    public boolean stillPassesNow() {
        return read.evaluate().status() == Status.HEALTHY;
    }

    @Override
    public CheckResult evaluate() {
        CheckResult r = read.evaluate();
        Map<String, Object> details = new LinkedHashMap<String, Object>();
        details.put("mbean", mbean);
        Object value = r.details().get("value");
        boolean registered = r.details().containsKey("value");
        if (registered) {
            details.put(detailKey, value);
        }
        double figure = r.figure(0); // the rule's value figure: the state read, where it is a number
        everRegistered |= registered;
        if (r.status() == Status.HEALTHY && registered) {
            passed = true;
            return CheckResult.healthy(details).with(figure);
        }
        if (passed) {
            if (registered) {
                Object attribute = r.details().get("attribute");
                return CheckResult.of(Status.UNHEALTHY, stoppedAs + ": " + (attribute != null ? attribute + " is " + value
                        : String.valueOf(r.reason())), details).with(figure);
            }
            if (everRegistered && r.details().containsKey("matched")) {
                return CheckResult.of(Status.UNHEALTHY, stoppedAs + ": " + mbean + " is no longer registered", details);
            }
            details.put("stopWatch", everRegistered ? "not read: " + r.reason() : "not watched: " + mbean + " was never registered");
            return CheckResult.healthy(details);
        }
        if (!registered && neverRegistered.givenUp(mbean, details) != null) {
            passed = true;
            return CheckResult.healthy(details);
        }
        String why;
        if (registered) {
            why = r.reason() != null && r.details().get("attribute") != null
                    ? r.details().get("attribute") + " is " + value : String.valueOf(r.reason());
        } else if (r.details().containsKey("matched")) {
            why = mbean + " is not registered yet";
        } else {
            why = r.reason() != null ? r.reason() : String.valueOf(r.details().values());
        }
        return CheckResult.of(Status.UNHEALTHY, "waiting for " + waitingFor + ": " + why, details).with(figure);
    }

    @Override
    public void close() {
        read.close();
    }
}
