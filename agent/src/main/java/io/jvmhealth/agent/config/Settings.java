package io.jvmhealth.agent.config;

import io.jvmhealth.agent.rules.Rule;
import io.jvmhealth.agent.rules.RuleOptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The agent's validated, immutable configuration. Built only by {@link Options}; every value in it
 * has passed validation, so the rest of the agent never re-checks.
 */
public final class Settings {
    public final int port;
    public final String host;
    public final long intervalMillis;
    public final double heapDegraded;
    public final double heapUnhealthy;
    public final double gcDegraded;
    public final double gcUnhealthy;
    public final long gcWindowMillis;
    public final int threadsDegraded;
    public final int threadsUnhealthy;
    public final double memoryDegraded;
    public final double memoryUnhealthy;
    public final double fdsDegraded;
    public final double fdsUnhealthy;
    public final double cpuDegraded;
    /** A ratio, or {@link Double#POSITIVE_INFINITY} for {@code cpu.unhealthy=off} (never unhealthy). */
    public final double cpuUnhealthy;
    public final long cpuWindowMillis;
    /** {@code evidence=stderr}: evidence is written when liveness fails; false for {@code evidence=off}. */
    public final boolean evidence;
    /** {@code evidence.dir}: where evidence is also written as files, or null. */
    public final String evidenceDir;
    /** Enabled built-in checks, in report order. */
    public final Set<String> checks;
    public final Details details;
    /** Bearer token, or null. Never logged. */
    final String token;
    public final LogLevel log;
    /** JMX rules from {@code rule.<name>.<field>}, by name. */
    public final List<Rule> rules;
    /** Active presets, in report order. */
    public final Set<String> presets;
    /** Time budget of one MBean read ({@code rules.timeout}). */
    public final long rulesTimeoutMillis;
    /** {@code ready.port}: ports the host JVM itself must listen on (startup gates), in the order given. */
    public final List<Integer> readyPorts;
    /** {@code ready.after}: methods that must have returned normally once (startup gates). */
    public final List<MethodSpec> readyAfter;
    /** {@code ready.auto}: recognize well-known frameworks and gate on them. */
    public final boolean readyAuto;

    private Settings(Reader r) throws InvalidOptionException {
        port = r.integer("port", 0, 65535);
        host = r.text("host");
        if (host.isEmpty()) {
            throw new InvalidOptionException("option 'host' (from " + r.origin("host") + ") is empty: expected an IP address such as 0.0.0.0 or 127.0.0.1");
        }
        intervalMillis = r.duration("interval", 10, 3_600_000);
        heapDegraded = r.ratio("heap.degraded");
        heapUnhealthy = r.ratio("heap.unhealthy");
        gcDegraded = r.ratio("gc.degraded");
        gcUnhealthy = r.ratio("gc.unhealthy");
        gcWindowMillis = r.duration("gc.window", 1000, 24 * 3_600_000L);
        threadsDegraded = r.integer("threads.degraded", 1, Integer.MAX_VALUE);
        threadsUnhealthy = r.integer("threads.unhealthy", 1, Integer.MAX_VALUE);
        r.ordered("heap.degraded", heapDegraded, "heap.unhealthy", heapUnhealthy);
        r.ordered("gc.degraded", gcDegraded, "gc.unhealthy", gcUnhealthy);
        r.ordered("threads.degraded", threadsDegraded, "threads.unhealthy", threadsUnhealthy);
        memoryDegraded = r.ratio("memory.degraded");
        memoryUnhealthy = r.ratio("memory.unhealthy");
        r.ordered("memory.degraded", memoryDegraded, "memory.unhealthy", memoryUnhealthy);
        fdsDegraded = r.ratio("fds.degraded");
        fdsUnhealthy = r.ratio("fds.unhealthy");
        r.ordered("fds.degraded", fdsDegraded, "fds.unhealthy", fdsUnhealthy);
        cpuDegraded = r.ratio("cpu.degraded");
        cpuUnhealthy = r.ratioOrOff("cpu.unhealthy");
        if (cpuUnhealthy != Double.POSITIVE_INFINITY) {
            r.ordered("cpu.degraded", cpuDegraded, "cpu.unhealthy", cpuUnhealthy);
        }
        cpuWindowMillis = r.duration("cpu.window", 1000, 24 * 3_600_000L);
        String evidenceMode = r.text("evidence").trim().toLowerCase(Locale.ROOT);
        if (!evidenceMode.equals("stderr") && !evidenceMode.equals("off")) {
            throw r.bad("evidence", "stderr or off");
        }
        evidence = evidenceMode.equals("stderr");
        String dir = r.optional("evidence.dir");
        if (dir != null) {
            dir = dir.trim();
            java.io.File f = new java.io.File(dir);
            if (dir.isEmpty() || f.exists() && !f.isDirectory()) {
                throw r.bad("evidence.dir", "a folder (it is created when missing), such as /var/log/jvm-health");
            }
        }
        evidenceDir = dir;

        Set<String> enabled = r.names("checks");
        enabled.removeAll(r.names("disable"));
        Set<String> ordered = new LinkedHashSet<>();
        for (String name : Options.CHECK_NAMES) {
            if (enabled.contains(name)) {
                ordered.add(name);
            }
        }
        checks = Collections.unmodifiableSet(ordered);

        details = r.choice("details", Details.class);
        log = r.choice("log", LogLevel.class);
        String inline = r.optional("token");
        String file = r.optional("token.file");
        if (inline != null && file != null) {
            throw new InvalidOptionException("options 'token' (from " + r.origin("token") + ") and 'token.file' (from "
                    + r.origin("token.file") + ") are both set: give one of them");
        }
        if (file != null) {
            try {
                inline = new String(Files.readAllBytes(Paths.get(file)), StandardCharsets.UTF_8).trim();
            } catch (IOException | RuntimeException e) {
                throw new InvalidOptionException("option 'token.file' (from " + r.origin("token.file")
                        + "): cannot read '" + file + "' (" + e.getClass().getSimpleName() + ")");
            }
            if (inline.isEmpty()) {
                throw new InvalidOptionException("option 'token.file' (from " + r.origin("token.file") + "): '" + file + "' is empty");
            }
        }
        if (inline != null && inline.isEmpty()) {
            throw new InvalidOptionException("option 'token' (from " + r.origin("token") + ") is empty");
        }
        token = inline;
        if (details == Details.AUTHORIZED && token == null) {
            throw new InvalidOptionException("option 'details=authorized' needs 'token' or 'token.file'");
        }
        presets = RuleOptions.presets(new RuleOptions.Value(r.text("presets"), r.origin("presets")));
        rulesTimeoutMillis = r.duration("rules.timeout", 10, 60_000);
        Map<String, RuleOptions.Value> ruleKeys = new LinkedHashMap<>();
        for (Map.Entry<String, Options.Source> e : r.values.entrySet()) {
            if (e.getKey().startsWith(RuleOptions.PREFIX)) {
                ruleKeys.put(e.getKey(), new RuleOptions.Value(e.getValue().value, e.getValue().origin));
            }
        }
        rules = RuleOptions.parse(ruleKeys, presets);
        readyPorts = r.ports("ready.port");
        if (port != 0 && readyPorts.contains(port)) {
            throw new InvalidOptionException("option 'ready.port' (from " + r.origin("ready.port") + ") names " + port
                    + ", the agent's own port: expected the application's ports");
        }
        readyAfter = r.methods("ready.after");
        readyAuto = r.bool("ready.auto");
    }

    static Settings from(Map<String, Options.Source> values) throws InvalidOptionException {
        return new Settings(new Reader(values));
    }

    /** Defaults only: for tests and tools. */
    public static Settings defaults() {
        try {
            return from(Collections.<String, Options.Source>emptyMap());
        } catch (InvalidOptionException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The bearer token as bytes for a constant-time comparison, or null when none is set. */
    public byte[] tokenBytes() {
        return token == null ? null : token.getBytes(StandardCharsets.UTF_8);
    }

    /** Reads raw values, falling back to defaults, and turns them into typed values or precise errors. */
    private static final class Reader {
        final Map<String, Options.Source> values;

        Reader(Map<String, Options.Source> values) {
            this.values = values;
        }

        String origin(String key) {
            Options.Source s = values.get(key);
            return s == null ? "default" : s.origin;
        }

        String optional(String key) {
            Options.Source s = values.get(key);
            return s == null ? Options.DEFAULTS.get(key) : s.value;
        }

        String text(String key) {
            String v = optional(key);
            return v == null ? "" : v;
        }

        /** A ratio, or {@code off} (never reached: positive infinity). */
        double ratioOrOff(String key) throws InvalidOptionException {
            if (text(key).trim().equalsIgnoreCase("off")) {
                return Double.POSITIVE_INFINITY;
            }
            return ratio(key, "off, or a fraction from 0 to 1, such as 0.5");
        }

        private InvalidOptionException bad(String key, String expected) {
            return new InvalidOptionException("option '" + key + "' has bad value '" + text(key) + "' (from "
                    + origin(key) + "): expected " + expected);
        }

        int integer(String key, int min, int max) throws InvalidOptionException {
            String expected = "a whole number from " + min + " to " + max;
            try {
                long v = Long.parseLong(text(key));
                if (v < min || v > max) {
                    throw bad(key, expected);
                }
                return (int) v;
            } catch (NumberFormatException e) {
                throw bad(key, expected);
            }
        }

        double ratio(String key) throws InvalidOptionException {
            return ratio(key, "a fraction from 0 to 1, such as 0.85");
        }

        private double ratio(String key, String expected) throws InvalidOptionException {
            try {
                double v = Double.parseDouble(text(key));
                if (!(v >= 0 && v <= 1)) {
                    throw bad(key, expected);
                }
                return v;
            } catch (NumberFormatException e) {
                throw bad(key, expected);
            }
        }

        long duration(String key, long minMillis, long maxMillis) throws InvalidOptionException {
            String expected = "a duration with a unit (ms, s, m, h) from " + minMillis + "ms to " + (maxMillis / 1000) + "s, such as 500ms, 5s or 2m";
            Long v = parseDurationMillis(text(key));
            if (v == null || v < minMillis || v > maxMillis) {
                throw bad(key, expected);
            }
            return v;
        }

        <E extends Enum<E>> E choice(String key, Class<E> type) throws InvalidOptionException {
            StringBuilder accepted = new StringBuilder();
            for (E e : type.getEnumConstants()) {
                String name = e.name().toLowerCase(Locale.ROOT);
                if (name.equals(text(key).toLowerCase(Locale.ROOT))) {
                    return e;
                }
                accepted.append(accepted.length() == 0 ? "" : ", ").append(name);
            }
            throw bad(key, "one of " + accepted);
        }

        Set<String> names(String key) throws InvalidOptionException {
            Set<String> result = new LinkedHashSet<>();
            for (String part : Words.split(text(key), ",;+ ")) {
                String name = part.trim().toLowerCase(Locale.ROOT);
                if (name.isEmpty()) {
                    continue;
                }
                if (!Options.CHECK_NAMES.contains(name)) {
                    throw bad(key, "check names from " + String.join(", ", Options.CHECK_NAMES) + ", separated by commas");
                }
                result.add(name);
            }
            return result;
        }

        List<Integer> ports(String key) throws InvalidOptionException {
            List<Integer> result = new ArrayList<>();
            for (String part : text(key).split(",")) {
                String p = part.trim();
                if (p.isEmpty()) {
                    continue;
                }
                int value = -1;
                if (p.length() <= 5 && digits(p)) {
                    value = Integer.parseInt(p);
                }
                if (value < 1 || value > 65535) {
                    throw new InvalidOptionException("option '" + key + "' has bad port '" + p + "' in '" + text(key)
                            + "' (from " + origin(key) + "): expected port numbers from 1 to 65535 separated by commas, such as 8080,8443");
                }
                if (!result.contains(value)) {
                    result.add(value);
                }
            }
            return Collections.unmodifiableList(result);
        }

        private boolean digits(String s) {
            for (int i = 0; i < s.length(); i++) {
                if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                    return false;
                }
            }
            return true;
        }

        List<MethodSpec> methods(String key) throws InvalidOptionException {
            List<MethodSpec> result = new ArrayList<>();
            for (String part : text(key).split(",")) {
                String m = part.trim();
                if (m.isEmpty()) {
                    continue;
                }
                MethodSpec spec = MethodSpec.parse(m);
                if (spec == null) {
                    throw new InvalidOptionException("option '" + key + "' has bad method '" + m + "' (from " + origin(key)
                            + "): expected fully.qualified.Class#method (Java identifiers, nested classes with $), comma-separated, such as com.acme.App#start");
                }
                for (String prefix : new String[] {"java.", "javax.", "jdk.", "sun.", "com.sun.", "io.jvmhealth.agent."}) {
                    if (spec.className.startsWith(prefix)) {
                        throw new InvalidOptionException("option '" + key + "' names '" + m + "' (from " + origin(key)
                                + "): classes of the JDK and of the agent are never instrumented; expected an application class");
                    }
                }
                if (!result.contains(spec)) {
                    result.add(spec);
                }
            }
            return Collections.unmodifiableList(result);
        }

        boolean bool(String key) throws InvalidOptionException {
            String v = text(key).toLowerCase(Locale.ROOT);
            if (v.equals("true")) {
                return true;
            }
            if (v.equals("false")) {
                return false;
            }
            throw bad(key, "true or false");
        }

        void ordered(String lowKey, double low, String highKey, double high) throws InvalidOptionException {
            if (low > high) {
                throw new InvalidOptionException("option '" + lowKey + "' (" + text(lowKey) + ", from " + origin(lowKey)
                        + ") is above '" + highKey + "' (" + text(highKey) + ", from " + origin(highKey)
                        + "): degraded must not exceed unhealthy");
            }
        }
    }

    /** Parses {@code 500ms}, {@code 5s}, {@code 2m}, {@code 1h}; null when it is not such a duration. */
    public static Long parseDurationMillis(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        long unit;
        String number;
        if (t.endsWith("ms")) {
            unit = 1;
            number = t.substring(0, t.length() - 2);
        } else if (t.endsWith("s")) {
            unit = 1000;
            number = t.substring(0, t.length() - 1);
        } else if (t.endsWith("m")) {
            unit = 60_000;
            number = t.substring(0, t.length() - 1);
        } else if (t.endsWith("h")) {
            unit = 3_600_000;
            number = t.substring(0, t.length() - 1);
        } else {
            return null;
        }
        if (number.isEmpty() || number.length() > 9) {
            return null;
        }
        for (int i = 0; i < number.length(); i++) {
            if (number.charAt(i) < '0' || number.charAt(i) > '9') {
                return null;
            }
        }
        return Long.parseLong(number) * unit;
    }

    @Override
    public String toString() {
        return "port=" + port + ", host=" + host + ", interval=" + intervalMillis + "ms, checks=" + checks
                + (rules.isEmpty() ? "" : ", rules=" + ruleNames()) + ", presets=" + (presets.isEmpty() ? "none" : presets)
                + ", details=" + details.name().toLowerCase(Locale.ROOT)
                + (readyPorts.isEmpty() ? "" : ", ready.port=" + readyPorts)
                + (readyAfter.isEmpty() ? "" : ", ready.after=" + readyAfter);
    }

    private List<String> ruleNames() {
        List<String> names = new java.util.ArrayList<>();
        for (Rule rule : rules) {
            names.add(rule.name());
        }
        return names;
    }
}
