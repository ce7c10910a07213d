package io.jvmhealth.agent.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * Turns the four option sources into one validated {@link Settings}.
 *
 * <p>Precedence: agent options &gt; system properties ({@code -Djvmhealth.KEY}) &gt; environment
 * ({@code JVMHEALTH_KEY}) &gt; the properties file named by {@code config} &gt; defaults. Every key is
 * checked against the {@link OptionTable} of declarations: an unknown key or a bad value is an
 * {@link InvalidOptionException} whose message names the key, where it came from, and what would be accepted.
 */
public final class Options {

    /** System property prefix for options. */
    public static final String PROPERTY_PREFIX = "jvmhealth.";
    /** Environment variable prefix for options. */
    public static final String ENV_PREFIX = "JVMHEALTH_";
    /** System properties the agent itself publishes; they are not options. */
    public static final Set<String> PUBLISHED_PROPERTIES =
            Collections.unmodifiableSet(new LinkedHashSet<>(Arrays.asList("jvmhealth.url", "jvmhealth.error")));

    /** Resolves settings from this JVM's own sources. */
    public static Settings fromEnvironment(String agentArgs, OptionTable table) throws InvalidOptionException {
        return resolve(agentArgs, System.getProperties(), System.getenv(), table);
    }

    /**
     * Resolves settings from explicit sources.
     *
     * @param agentArgs the text after {@code =} in {@code -javaagent:jar=...}, or null
     * @param properties system properties (only {@code jvmhealth.*} are read)
     * @param env environment (only {@code JVMHEALTH_*} are read)
     * @param table every key the agent knows, as its classes declare them
     */
    public static Settings resolve(String agentArgs, Properties properties, Map<String, String> env, OptionTable table)
            throws InvalidOptionException {
        Set<String> keys = table.keys();
        Map<String, Source> fromArgs = parseAgentArgs(agentArgs, keys);
        Map<String, Source> fromProps = fromProperties(properties, keys);
        Map<String, Source> fromEnv = fromEnv(env, keys);

        Map<String, Source> merged = new LinkedHashMap<>();
        String configFile = null;
        for (Map<String, Source> layer : Arrays.asList(fromArgs, fromProps, fromEnv)) {
            Source config = layer.get("config");
            if (config != null && configFile == null) {
                configFile = config.value;
            }
        }
        if (configFile != null && !configFile.isEmpty()) {
            merged.putAll(fromFile(configFile, keys));
        }
        merged.putAll(fromEnv);
        merged.putAll(fromProps);
        merged.putAll(fromArgs);
        return Settings.from(merged, table);
    }

    /** Parses {@code key=value,key=value}; a comma-separated word without '=' continues the previous value. */
    static Map<String, Source> parseAgentArgs(String args, Set<String> keys) throws InvalidOptionException {
        Map<String, Source> result = new LinkedHashMap<>();
        if (args == null || args.trim().isEmpty()) {
            return result;
        }
        String lastKey = null;
        for (String part : args.split(",", -1)) {
            String token = part.trim();
            int eq = token.indexOf('=');
            if (eq < 0) {
                if (lastKey == null || token.isEmpty()) {
                    throw new InvalidOptionException("agent option '" + token + "' is not key=value"
                            + " (options look like port=9555,interval=5s; known keys: " + String.join(", ", keys) + ")");
                }
                Source previous = result.get(lastKey);
                result.put(lastKey, new Source(previous.value + "," + token, previous.origin));
                continue;
            }
            String key = token.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            requireKnown(key, "agent options", keys);
            result.put(key, new Source(token.substring(eq + 1).trim(), "agent options"));
            lastKey = key;
        }
        return result;
    }

    private static Map<String, Source> fromProperties(Properties properties, Set<String> keys) throws InvalidOptionException {
        Map<String, Source> result = new LinkedHashMap<>();
        for (String name : properties.stringPropertyNames()) {
            if (!name.startsWith(PROPERTY_PREFIX) || PUBLISHED_PROPERTIES.contains(name)) {
                continue;
            }
            String key = name.substring(PROPERTY_PREFIX.length());
            requireKnown(key, "system property -D" + name, keys);
            result.put(key, new Source(properties.getProperty(name).trim(), "system property -D" + name));
        }
        return result;
    }

    private static Map<String, Source> fromEnv(Map<String, String> env, Set<String> keys) throws InvalidOptionException {
        Map<String, String> byEnvName = null; // built at the first JVMHEALTH_ variable: most environments have none
        Map<String, Source> result = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : env.entrySet()) {
            String name = e.getKey();
            if (!name.startsWith(ENV_PREFIX)) {
                continue;
            }
            if (byEnvName == null) {
                byEnvName = new LinkedHashMap<>();
                for (String key : keys) {
                    byEnvName.put(envName(key), key);
                }
            }
            String key = byEnvName.get(name);
            if (key == null && name.startsWith(ENV_PREFIX + "RULE_")) {
                throw new InvalidOptionException("environment variable " + name + ": rules cannot be given in the environment"
                        + " (an ObjectName's characters do not survive in variable names); put rule.<name>.<field> in the"
                        + " config= file or give -Djvmhealth.rule.<name>.<field>");
            }
            if (key == null) {
                throw new InvalidOptionException("unknown environment variable " + name + " (known: "
                        + String.join(", ", byEnvName.keySet()) + ")");
            }
            result.put(key, new Source(e.getValue().trim(), "environment " + name));
        }
        return result;
    }

    private static Map<String, Source> fromFile(String file, Set<String> keys) throws InvalidOptionException {
        Path path = Paths.get(file);
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(path);
             Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            p.load(reader);
        } catch (IOException | RuntimeException e) {
            throw new InvalidOptionException("option 'config': cannot read properties file '" + file + "' ("
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
        }
        Map<String, Source> result = new LinkedHashMap<>();
        for (String name : p.stringPropertyNames()) {
            String key = name.startsWith(PROPERTY_PREFIX) ? name.substring(PROPERTY_PREFIX.length()) : name;
            key = key.trim().toLowerCase(Locale.ROOT);
            requireKnown(key, "config file " + file, keys);
            if ("config".equals(key)) {
                throw new InvalidOptionException("option 'config' in config file " + file + ": a config file cannot name another");
            }
            result.put(key, new Source(p.getProperty(name).trim(), "config file " + file));
        }
        return result;
    }

    /** {@code token.file} -&gt; {@code JVMHEALTH_TOKEN_FILE}. */
    public static String envName(String key) {
        return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private static void requireKnown(String key, String origin, Set<String> keys) throws InvalidOptionException {
        if (key.startsWith(Settings.RULE_PREFIX)) {
            return; // rule.<name>.<field>: the rules validate name and field
        }
        if (!keys.contains(key)) {
            throw new InvalidOptionException("unknown option '" + key + "' (from " + origin + "); known keys: "
                    + String.join(", ", keys));
        }
    }

    /** A raw value and where it came from, for error messages. */
    static final class Source {
        final String value;
        final String origin;

        Source(String value, String origin) {
            this.value = value;
            this.origin = origin;
        }
    }
}
