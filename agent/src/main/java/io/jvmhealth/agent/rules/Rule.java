package io.jvmhealth.agent.rules;

import io.jvmhealth.agent.health.Role;
import io.jvmhealth.agent.health.Status;

import javax.management.ObjectName;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * A validated, immutable rule: one check (named, with a role and a status for "nothing matches")
 * made of one or more {@link Part parts}. A rule from the options has one part; a preset may have
 * several (a thread pool's busy ratio and its queue). The worst part's status is the rule's.
 */
public final class Rule {
    private final String name;
    private final Role role;
    private final Status missing;
    private final List<Part> parts;

    public Rule(String name, Role role, Status missing, List<Part> parts) {
        this.name = name;
        this.role = role;
        this.missing = missing;
        this.parts = Collections.unmodifiableList(parts);
    }

    public Rule(String name, Role role, Status missing, Part... parts) {
        this(name, role, missing, Arrays.asList(parts));
    }

    public String name() {
        return name;
    }

    public Role role() {
        return role;
    }

    /** The status when no part's MBean matches (for a startup rule: unhealthy means "not passed"). */
    public Status missing() {
        return missing;
    }

    public List<Part> parts() {
        return parts;
    }

    /**
     * A part from text the agent itself wrote (presets, recognizers): an invalid name or condition is the agent's bug.
     *
     * @param degraded  a condition as {@link Condition#parse} reads it, or null
     * @param unhealthy likewise
     */
    public static Part part(String mbean, String attribute, String divide, String degraded, String unhealthy, long forMillis) {
        try {
            return new Part(new ObjectName(mbean), attribute, divide,
                    degraded == null ? null : Condition.parse(degraded), unhealthy == null ? null : Condition.parse(unhealthy), forMillis);
        } catch (javax.management.MalformedObjectNameException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One MBean name or pattern, the value read from each match, and the conditions it is judged by. */
    public static final class Part {
        private final ObjectName mbean;
        private final String attribute;
        private final String[] path;
        private final String divide;
        private final String[] dividePath;
        private final Condition degraded;
        private final Condition unhealthy;
        private final long forMillis;
        private final long unchangedMillis;

        public Part(ObjectName mbean, String attribute, String divide, Condition degraded, Condition unhealthy, long forMillis) {
            this(mbean, attribute, divide, degraded, unhealthy, forMillis, 0);
        }

        /** @param unchangedMillis unhealthy when the value has not changed for this long (0: no such condition) */
        public Part(ObjectName mbean, String attribute, String divide, Condition degraded, Condition unhealthy, long forMillis,
                    long unchangedMillis) {
            this.unchangedMillis = unchangedMillis;
            this.mbean = mbean;
            this.attribute = attribute;
            this.path = attribute.split("\\.");
            this.divide = divide;
            this.dividePath = divide == null ? null : divide.split("\\.");
            this.degraded = degraded;
            this.unhealthy = unhealthy;
            this.forMillis = forMillis;
        }

        public ObjectName mbean() {
            return mbean;
        }

        /** As given, e.g. {@code HeapMemoryUsage.used}. */
        public String attribute() {
            return attribute;
        }

        /** The attribute name, then the CompositeData keys to follow. */
        String[] path() {
            return path;
        }

        /** Null when the value is not a ratio. */
        public String divide() {
            return divide;
        }

        String[] dividePath() {
            return dividePath;
        }

        /** Null when not set. */
        public Condition degraded() {
            return degraded;
        }

        /** Null when not set. */
        public Condition unhealthy() {
            return unhealthy;
        }

        public long forMillis() {
            return forMillis;
        }

        /** Unhealthy when the value has not changed for this long (a request counter that stopped); 0 when not set. */
        public long unchangedMillis() {
            return unchangedMillis;
        }

        /** What is judged, for reasons: {@code QueueSize} or {@code currentThreadsBusy/maxThreads}. */
        String label() {
            return divide == null ? attribute : attribute + "/" + divide;
        }
    }
}
