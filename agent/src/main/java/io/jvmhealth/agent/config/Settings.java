package io.jvmhealth.agent.config;

import io.jvmhealth.agent.base.LogLevel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The agent's validated, immutable configuration. Built only by {@link Options}; every value in it
 * has passed its declaration's parser, so the rest of the agent never re-checks.
 *
 * <p>The options of the whole agent ({@code port}, {@code host}, {@code interval}, {@code checks},
 * {@code details}, the token, {@code log}, {@code config}) are declared here and kept as fields; every
 * other key is declared by the class that uses it ({@link OptionSpec}) and read back with the typed
 * accessors ({@link #ratio}, {@link #millis}, ...). Keys {@code rule.<name>.<field>} are kept raw for
 * the rules to validate.
 */
public final class Settings {
    /** Keys {@code rule.<name>.<field>}: JMX rules, validated by the rules themselves. */
    public static final String RULE_PREFIX = "rule.";

    public final int port;
    public final String host;
    public final long intervalMillis;
    /** Enabled built-in checks, in report order. */
    public final Set<String> checks;
    public final Details details;
    /** Bearer token, or null. Never logged. */
    private final String token;
    public final LogLevel log;
    private final Map<String, Object> values;
    private final Map<String, String> origins;
    private final Map<String, String[]> ruleKeys;

    private Settings(Map<String, Object> values, Map<String, String> origins, Map<String, String[]> ruleKeys,
                     Set<String> checks, String token) {
        this.values = values;
        this.origins = origins;
        this.ruleKeys = ruleKeys;
        this.checks = checks;
        this.token = token;
        this.port = integer("port");
        this.host = text("host");
        this.intervalMillis = millis("interval");
        this.details = Details.valueOf(text("details").toUpperCase(Locale.ROOT));
        this.log = LogLevel.valueOf(text("log").toUpperCase(Locale.ROOT));
    }

    /** {@code port}, {@code host} and {@code interval}: the first rows of the option table. */
    public static List<OptionSpec> leadingSpecs() {
        return Arrays.asList(
                OptionSpec.integer("port", "9555", 0, 65535, "TCP port; `0` picks a free one (logged and published as `jvmhealth.url`)"),
                OptionSpec.of("host", "0.0.0.0", "bind address; `127.0.0.1` for loopback only", new OptionSpec.Parser() {
                    @Override
                    public Object parse(String key, String value, String origin) throws InvalidOptionException {
                        if (value.isEmpty()) {
                            throw new InvalidOptionException("option 'host' (from " + origin
                                    + ") is empty: expected an IP address such as 0.0.0.0 or 127.0.0.1");
                        }
                        return value;
                    }
                }).shownDefault("`0.0.0.0` (probes come to the pod IP)"),
                OptionSpec.duration("interval", "5s", 10, 3_600_000, "how often the checks run in the background (10 ms to 1 h)"));
    }

    /** Which checks run, who sees details, the token and logging: the general rows after the checks' own. */
    public static List<OptionSpec> generalSpecs(List<String> checkNames) {
        StringBuilder all = new StringBuilder();
        for (String name : checkNames) {
            all.append(all.length() == 0 ? "" : ",").append(name);
        }
        return Arrays.asList(
                OptionSpec.text("checks", all.toString(), "which built-in checks run"),
                OptionSpec.text("disable", "", "checks to leave out (applied after `checks`)"),
                OptionSpec.choice("details", "always", "`always`, `never`, or `authorized` (details only with a valid bearer token)",
                        "always", "never", "authorized"),
                OptionSpec.text("token", null, "bearer token for `details=authorized` (this or `token.file`)"),
                OptionSpec.text("token.file", null, "a file holding the bearer token (read once, trimmed)"),
                OptionSpec.choice("log", "info", "`info`, `warn` (failures and changes to unhealthy only) or `off`: stderr only",
                        "info", "warn", "off"));
    }

    /** {@code config}: the last row. */
    public static List<OptionSpec> configSpec() {
        return Collections.singletonList(OptionSpec.text("config", null,
                "a properties file with any of the keys above (plain or `jvmhealth.`-prefixed)"));
    }

    /** Parses every declared key of {@code table} from {@code raw} (values and origins), then the rules between keys. */
    static Settings from(Map<String, Options.Source> raw, OptionTable table) throws InvalidOptionException {
        Map<String, Object> values = new LinkedHashMap<String, Object>();
        Map<String, String> origins = new LinkedHashMap<String, String>();
        Map<String, String[]> rules = new LinkedHashMap<String, String[]>();
        for (Map.Entry<String, Options.Source> e : raw.entrySet()) {
            if (e.getKey().startsWith(RULE_PREFIX)) {
                rules.put(e.getKey(), new String[] {e.getValue().value, e.getValue().origin});
            }
        }
        for (OptionSpec spec : table.specs()) {
            Options.Source given = raw.get(spec.key());
            String origin = given == null ? "default" : given.origin;
            String text = given == null ? spec.defaultValue() : given.value;
            origins.put(spec.key(), origin);
            values.put(spec.key(), text == null ? null : spec.parse(text.trim(), origin));
        }
        for (String[] pair : table.ordered()) {
            Object low = values.get(pair[0]);
            Object high = values.get(pair[1]);
            if (low instanceof Number && high instanceof Number && !isOff((Number) low) && !isOff((Number) high)
                    && ((Number) low).doubleValue() > ((Number) high).doubleValue()) {
                throw new InvalidOptionException("option '" + pair[0] + "' (" + raw(raw, table, pair[0]) + ", from " + origins.get(pair[0])
                        + ") is above '" + pair[1] + "' (" + raw(raw, table, pair[1]) + ", from " + origins.get(pair[1])
                        + "): degraded must not exceed unhealthy");
            }
        }
        Set<String> enabled = names(values, origins, "checks", table.checkNames());
        enabled.removeAll(names(values, origins, "disable", table.checkNames()));
        Set<String> checks = new LinkedHashSet<String>();
        for (String name : table.checkNames()) {
            if (enabled.contains(name)) {
                checks.add(name);
            }
        }
        String token = token(values, origins);
        if ("authorized".equals(values.get("details")) && token == null) {
            throw new InvalidOptionException("option 'details=authorized' needs 'token' or 'token.file'");
        }
        return new Settings(Collections.unmodifiableMap(values), Collections.unmodifiableMap(origins),
                Collections.unmodifiableMap(rules), Collections.unmodifiableSet(checks), token);
    }

    private static boolean isOff(Number n) {
        return n.doubleValue() == Double.POSITIVE_INFINITY;
    }

    private static String raw(Map<String, Options.Source> raw, OptionTable table, String key) {
        Options.Source s = raw.get(key);
        return s != null ? s.value : table.spec(key).defaultValue();
    }

    private static Set<String> names(Map<String, Object> values, Map<String, String> origins, String key, List<String> known)
            throws InvalidOptionException {
        Set<String> result = new LinkedHashSet<String>();
        String text = (String) values.get(key);
        for (String part : Words.split(text == null ? "" : text, ",;+ ")) {
            String name = part.trim().toLowerCase(Locale.ROOT);
            if (name.isEmpty()) {
                continue;
            }
            if (!known.contains(name)) {
                StringBuilder all = new StringBuilder();
                for (String k : known) {
                    all.append(all.length() == 0 ? "" : ", ").append(k);
                }
                throw OptionSpec.bad(key, text, origins.get(key), "check names from " + all + ", separated by commas");
            }
            result.add(name);
        }
        return result;
    }

    private static String token(Map<String, Object> values, Map<String, String> origins) throws InvalidOptionException {
        String inline = (String) values.get("token");
        String file = (String) values.get("token.file");
        if (inline != null && file != null) {
            throw new InvalidOptionException("options 'token' (from " + origins.get("token") + ") and 'token.file' (from "
                    + origins.get("token.file") + ") are both set: give one of them");
        }
        if (file != null) {
            try {
                inline = new String(Files.readAllBytes(Paths.get(file)), StandardCharsets.UTF_8).trim();
            } catch (IOException | RuntimeException e) {
                throw new InvalidOptionException("option 'token.file' (from " + origins.get("token.file")
                        + "): cannot read '" + file + "' (" + e.getClass().getSimpleName() + ")");
            }
            if (inline.isEmpty()) {
                throw new InvalidOptionException("option 'token.file' (from " + origins.get("token.file") + "): '" + file + "' is empty");
            }
        }
        if (inline != null && inline.isEmpty()) {
            throw new InvalidOptionException("option 'token' (from " + origins.get("token") + ") is empty");
        }
        return inline;
    }

    // ---- typed values of declared keys ----

    private Object value(String key) {
        if (!values.containsKey(key)) {
            throw new IllegalArgumentException("option '" + key + "' is not declared");
        }
        return values.get(key);
    }

    /** A ratio option's value ({@link Double#POSITIVE_INFINITY} for {@code off}). */
    public double ratio(String key) {
        return ((Number) value(key)).doubleValue();
    }

    /** A duration option's milliseconds (-1 for {@code off}). */
    public long millis(String key) {
        return ((Number) value(key)).longValue();
    }

    public int integer(String key) {
        return ((Number) value(key)).intValue();
    }

    public boolean flag(String key) {
        return (Boolean) value(key);
    }

    /** A text option's value, or null when it has none. */
    public String text(String key) {
        Object v = value(key);
        return v == null ? null : v.toString();
    }

    /** An option's typed value as its declaration's parser made it (a list of ports, of methods, ...), or null. */
    public <T> T get(String key, Class<T> type) {
        return type.cast(value(key));
    }

    /** Where the value of {@code key} came from ({@code default}, {@code agent options}, ...), for messages. */
    public String origin(String key) {
        String o = origins.get(key);
        return o == null ? "default" : o;
    }

    /** Every {@code rule.<name>.<field>} key given: key -&gt; {value, origin}, for the rules to validate. */
    public Map<String, String[]> ruleKeys() {
        return ruleKeys;
    }

    /** Defaults only, over a table of declarations: for tests and tools. */
    public static Settings defaults(OptionTable table) {
        try {
            return from(Collections.<String, Options.Source>emptyMap(), table);
        } catch (InvalidOptionException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The bearer token as bytes for a constant-time comparison, or null when none is set. */
    public byte[] tokenBytes() {
        return token == null ? null : token.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "port=" + port + ", host=" + host + ", interval=" + intervalMillis + "ms, checks=" + checks
                + ", details=" + details.name().toLowerCase(Locale.ROOT);
    }
}
