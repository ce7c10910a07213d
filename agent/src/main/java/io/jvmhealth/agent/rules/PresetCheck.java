package io.jvmhealth.agent.rules;

import io.jvmhealth.agent.health.CheckResult;
import io.jvmhealth.agent.health.HealthCheck;
import io.jvmhealth.agent.health.Publisher;
import io.jvmhealth.agent.health.Role;
import io.jvmhealth.agent.jmx.JmxAccess;
import io.jvmhealth.agent.jmx.JmxReader;

/**
 * An active preset before the application has built an MBeanServer: absent (not listed), and
 * nothing of JMX loaded (no ObjectName, no rule check), so a host without the preset's libraries
 * pays almost nothing for it. Once a server exists, the preset becomes a {@link RuleCheck}.
 */
final class PresetCheck implements HealthCheck {
    private final String name;
    private final JmxAccess access;
    private final JmxReader reader;
    private final RuleCheck.FirstReads firstReads;
    private final Publisher publisher;
    private RuleCheck delegate;

    PresetCheck(String name, JmxAccess access, JmxReader reader, RuleCheck.FirstReads firstReads, Publisher publisher) {
        this.name = name;
        this.access = access;
        this.reader = reader;
        this.firstReads = firstReads;
        this.publisher = publisher;
    }

    @Override
    public String name() {
        return name;
    }

    /** The preset's role (declared without building its rule, which needs JMX classes). */
    @Override
    public Role role() {
        return Presets.role(name);
    }

    @Override
    public java.util.List<io.jvmhealth.agent.health.MetricFamily> metricFamilies() {
        return RuleCheck.families();
    }

    @Override
    public CheckResult evaluate() {
        if (delegate == null) {
            if (!access.serverExists(System.nanoTime())) {
                return CheckResult.absent();
            }
            delegate = new RuleCheck(Presets.named(name), true, access, reader, firstReads, publisher);
        }
        return delegate.evaluate();
    }

    @Override
    public void close() {
        reader.close();
    }
}
