package io.jvmhealth.agent.rules;

import io.jvmhealth.agent.config.Durations;
import io.jvmhealth.agent.config.InvalidOptionException;
import io.jvmhealth.agent.config.OptionSpec;
import io.jvmhealth.agent.config.Settings;
import io.jvmhealth.agent.config.Words;
import io.jvmhealth.agent.health.CheckNames;
import io.jvmhealth.agent.health.Role;
import io.jvmhealth.agent.health.Status;

import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns {@code rule.<name>.<field>} options and {@code presets} into validated {@link Rule}s. Every
 * mistake is one {@link InvalidOptionException} naming the key, where it came from and what is
 * accepted. Parsing the ObjectName touches no MBeanServer.
 */
public final class RuleOptions {
    /** The option prefix of rules. */
    public static final String PREFIX = Settings.RULE_PREFIX;

    /** {@code presets}: which built-in rule sets are active (a {@code Set<String>} of their names). */
    public static final OptionSpec PRESETS = OptionSpec.of("presets", "all",
            "built-in JMX rules `hikari`, `tomcat`, `jetty`, `kafka-consumer`, `kafka-broker` (each listed only where its MBeans exist), `all` or `none`: [rules.md](rules.md#presets)",
            new OptionSpec.Parser() {
                @Override
                public Object parse(String key, String value, String origin) throws InvalidOptionException {
                    return presets(new Value(value, origin));
                }
            });
    /** {@code rules.timeout}: the time budget of one MBean read. */
    public static final OptionSpec TIMEOUT = OptionSpec.duration("rules.timeout", "1s", 10, 60_000,
            "time budget of one MBean read by a rule, preset or recognized application (10 ms to 60 s)");
    /** The rows of docs/options.md for {@code rule.<name>.<field>}: not a key of its own, documented beside the others. */
    public static final String RULE_KEYS_DOC = "a health check from any MBean attribute (`mbean`, `attribute`, `divide`, `degraded`,"
            + " `unhealthy`, `for`, `unchanged`, `role`, `missing`): see [rules.md](rules.md); in the `config` file or `-D`, not the environment";

    /**
     * Every rule of the settings, validated: a rule may not take the name of a built-in check ({@code builtIns})
     * nor of an active preset.
     */
    @SuppressWarnings("unchecked")
    public static List<Rule> rules(Settings settings, Collection<String> builtIns) throws InvalidOptionException {
        Map<String, Value> values = new LinkedHashMap<>();
        for (Map.Entry<String, String[]> e : settings.ruleKeys().entrySet()) {
            values.put(e.getKey(), new Value(e.getValue()[0], e.getValue()[1]));
        }
        return parse(values, settings.get(PRESETS.key(), Set.class), builtIns);
    }
    public static final List<String> FIELDS = Collections.unmodifiableList(Arrays.asList(
            "mbean", "attribute", "divide", "degraded", "unhealthy", "for", "unchanged", "role", "missing"));
    private static final long MAX_FOR_MILLIS = 24 * 3_600_000L;

    private RuleOptions() {
    }

    /** A raw option value and where it came from. */
    public static final class Value {
        final String text;
        final String origin;

        public Value(String text, String origin) {
            this.text = text;
            this.origin = origin;
        }
    }

    /**
     * The active presets from the {@code presets} option: {@code all}, {@code none} or a comma list.
     */
    public static Set<String> presets(Value presets) throws InvalidOptionException {
        String text = presets.text.trim().toLowerCase(Locale.ROOT);
        String accepted = "all, none, or a comma list of " + String.join(", ", Presets.NAMES);
        if (text.equals("all")) {
            return Presets.NAMES;
        }
        Set<String> chosen = new LinkedHashSet<>();
        if (text.equals("none") || text.isEmpty()) {
            return chosen;
        }
        for (String part : Words.split(text, ",;+ ")) {
            String name = part.trim();
            if (name.isEmpty()) {
                continue;
            }
            if (!Presets.NAMES.contains(name)) {
                throw new InvalidOptionException("option 'presets' has bad value '" + presets.text + "' (from "
                        + presets.origin + "): expected " + accepted);
            }
            chosen.add(name);
        }
        return Collections.unmodifiableSet(chosen);
    }

    /**
     * Parses every rule.
     *
     * @param values option key (e.g. {@code rule.pool.mbean}) -&gt; value, only keys starting with {@link #PREFIX}
     * @param presets the active presets (a rule may not take a preset's name)
     * @param builtIns the built-in checks' names (nor theirs)
     */
    public static List<Rule> parse(Map<String, Value> values, Set<String> presets, Collection<String> builtIns)
            throws InvalidOptionException {
        Map<String, Map<String, Value>> byRule = new TreeMap<>();
        Map<String, String> firstKey = new LinkedHashMap<>();
        for (Map.Entry<String, Value> e : new TreeMap<>(values).entrySet()) { // sorted: the same key is named every time
            String key = e.getKey();
            int dot = key.lastIndexOf('.');
            String name = dot > PREFIX.length() ? key.substring(PREFIX.length(), dot) : "";
            String field = dot > PREFIX.length() ? key.substring(dot + 1) : key.substring(PREFIX.length());
            Value v = e.getValue();
            if (name.isEmpty()) {
                throw new InvalidOptionException("option '" + key + "' (from " + v.origin + ") is not rule.<name>.<field>"
                        + " (fields: " + String.join(", ", FIELDS) + ")");
            }
            if (!FIELDS.contains(field)) {
                throw new InvalidOptionException("option '" + key + "' (from " + v.origin + "): unknown rule field '" + field
                        + "' (fields: " + String.join(", ", FIELDS) + ")");
            }
            if (builtIns.contains(name) || presets.contains(name)) {
                throw new InvalidOptionException("option '" + key + "' (from " + v.origin + "): rule name '" + name
                        + "' is taken by " + (builtIns.contains(name) ? "the built-in check" : "the active preset")
                        + " '" + name + "'; choose another name (taken: " + String.join(", ", builtIns)
                        + (presets.isEmpty() ? "" : ", " + String.join(", ", presets)) + ")");
            }
            if (name.equals(CheckNames.HISTORY)) {
                throw new InvalidOptionException("option '" + key + "' (from " + v.origin + "): rule name '" + name
                        + "' is taken by the path /health/history (the transitions); choose another name");
            }
            if (!CheckNames.isValidRuleName(name)) {
                throw new InvalidOptionException("option '" + key + "' (from " + v.origin + "): rule name '" + name
                        + "' is not valid: expected lower-case letters, digits, '-', '_' and '.', starting with a letter, at most 64 characters");
            }
            Map<String, Value> fields = byRule.get(name);
            if (fields == null) {
                fields = new LinkedHashMap<>();
                byRule.put(name, fields);
                firstKey.put(name, key);
            }
            fields.put(field, v);
        }
        List<Rule> rules = new ArrayList<>();
        for (Map.Entry<String, Map<String, Value>> e : byRule.entrySet()) {
            rules.add(rule(e.getKey(), e.getValue()));
        }
        return Collections.unmodifiableList(rules);
    }

    private static Rule rule(String name, Map<String, Value> f) throws InvalidOptionException {
        String prefix = PREFIX + name + ".";
        Value mbeanText = require(f, prefix, "mbean", "an ObjectName or pattern, such as com.zaxxer.hikari:type=Pool (*)");
        ObjectName mbean;
        try {
            mbean = new ObjectName(mbeanText.text.trim());
        } catch (MalformedObjectNameException | RuntimeException e) {
            throw bad(prefix + "mbean", mbeanText, "an ObjectName or pattern such as com.zaxxer.hikari:type=Pool (*) or "
                    + "Catalina:type=ThreadPool,name=* (" + e.getMessage() + ")");
        }
        Value attribute = require(f, prefix, "attribute", "an attribute name, or name.key for a key of a CompositeData attribute");
        String attr = attributeName(prefix + "attribute", attribute);
        Value divideText = f.get("divide");
        String divide = divideText == null ? null : attributeName(prefix + "divide", divideText);
        Condition degraded = condition(prefix + "degraded", f.get("degraded"));
        Condition unhealthy = condition(prefix + "unhealthy", f.get("unhealthy"));
        long unchangedMillis = 0;
        Value unchangedText = f.get("unchanged");
        if (unchangedText != null) {
            Long parsed = Durations.parseMillis(unchangedText.text);
            if (parsed == null || parsed < 1000 || parsed > MAX_FOR_MILLIS) {
                throw bad(prefix + "unchanged", unchangedText, "a duration with a unit (ms, s, m, h) from 1s to 24h, such as 5m");
            }
            unchangedMillis = parsed;
        }
        if (degraded == null && unhealthy == null && unchangedMillis == 0) {
            throw new InvalidOptionException("rule '" + name + "' (from " + mbeanText.origin + ") has no condition: set "
                    + prefix + "degraded or " + prefix + "unhealthy to " + Condition.ACCEPTED + ", or " + prefix
                    + "unchanged to a duration");
        }
        long forMillis = 0;
        Value forText = f.get("for");
        if (forText != null) {
            Long parsed = Durations.parseMillis(forText.text);
            if (parsed == null || parsed > MAX_FOR_MILLIS) {
                throw bad(prefix + "for", forText, "a duration with a unit (ms, s, m, h) up to 24h, such as 0s, 30s or 2m");
            }
            forMillis = parsed;
        }
        Role role = Role.READINESS;
        Value roleText = f.get("role");
        if (roleText != null) {
            role = Role.named(roleText.text);
            if (role == null) {
                throw bad(prefix + "role", roleText, "one of readiness, startup, liveness");
            }
        }
        Status missing = role == Role.STARTUP ? Status.UNHEALTHY : Status.HEALTHY;
        Value missingText = f.get("missing");
        if (missingText != null) {
            missing = null;
            for (Status s : Status.values()) {
                if (s.json().equalsIgnoreCase(missingText.text.trim())) {
                    missing = s;
                }
            }
            if (missing == null) {
                throw bad(prefix + "missing", missingText, "one of healthy, degraded, unhealthy");
            }
        }
        return new Rule(name, role, missing, new Rule.Part(mbean, attr, divide, degraded, unhealthy, forMillis, unchangedMillis));
    }

    private static Value require(Map<String, Value> f, String prefix, String field, String expected) throws InvalidOptionException {
        Value v = f.get(field);
        if (v == null || v.text.trim().isEmpty()) {
            Value any = f.values().iterator().next();
            throw new InvalidOptionException("option '" + prefix + field + "' is missing (rule from " + any.origin
                    + "): expected " + expected);
        }
        return v;
    }

    private static String attributeName(String key, Value v) throws InvalidOptionException {
        String t = v.text.trim();
        if (t.isEmpty() || t.startsWith(".") || t.endsWith(".") || t.contains("..")) {
            throw bad(key, v, "an attribute name, or name.key for a key of a CompositeData attribute");
        }
        return t;
    }

    private static Condition condition(String key, Value v) throws InvalidOptionException {
        if (v == null) {
            return null;
        }
        Condition c = Condition.parse(v.text);
        if (c == null) {
            throw bad(key, v, Condition.ACCEPTED);
        }
        return c;
    }

    private static InvalidOptionException bad(String key, Value v, String expected) {
        return new InvalidOptionException("option '" + key + "' has bad value '" + v.text + "' (from " + v.origin
                + "): expected " + expected);
    }
}
