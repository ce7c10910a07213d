package io.jvmhealth.agent.health;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Every check name the agent gives, in one place: the built-in checks (stable names users put in
 * {@code checks=}, {@code disable=}, {@code ?exclude=} and {@code /health/<check>}), and how gate
 * names are made. Rule and preset names are chosen by users or fixed by the preset; a rule name
 * may not clash with a built-in check nor look like a gate name ({@link #isValidRuleName}).
 */
public final class CheckNames {
    public static final String DEADLOCK = "deadlock";
    public static final String HEAP = "heap";
    public static final String GC = "gc";
    public static final String THREADS = "threads";
    public static final String MEMORY = "memory";
    public static final String FDS = "fds";
    public static final String CPU = "cpu";

    /** The built-in checks, in report order. */
    public static final Set<String> BUILT_IN = Collections.unmodifiableSet(new LinkedHashSet<>(
            Arrays.asList(DEADLOCK, HEAP, GC, THREADS, MEMORY, FDS, CPU)));

    /** Gate names carry a prefix with a colon, which rule names may not contain: no clash is possible. */
    public static final String PORT_GATE_PREFIX = "port:";
    public static final String METHOD_GATE_PREFIX = "after:";
    public static final String FRAMEWORK_GATE_PREFIX = "app:";

    private CheckNames() {
    }

    /** {@code ready.port=8080} -&gt; {@code port:8080}. */
    public static String portGate(int port) {
        return PORT_GATE_PREFIX + port;
    }

    /**
     * {@code ready.after=com.acme.App#start} -&gt; {@code after:com.acme.App.start} (no {@code #}, so
     * that the name can stand in a URL path: {@code /health/after:com.acme.App.start}).
     */
    public static String methodGate(String className, String methodName) {
        return METHOD_GATE_PREFIX + className + "." + methodName;
    }

    /** A recognized framework's gate, e.g. {@code app:spring-boot}. */
    public static String frameworkGate(String framework) {
        return FRAMEWORK_GATE_PREFIX + framework;
    }

    /**
     * Rule names: lower-case letters, digits, {@code -}, {@code _} and {@code .}, starting with a
     * letter, at most 64 characters, and not a built-in check's name.
     */
    public static boolean isValidRuleName(String name) {
        if (name.isEmpty() || name.length() > 64 || BUILT_IN.contains(name)) {
            return false;
        }
        if (name.charAt(0) < 'a' || name.charAt(0) > 'z') {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.')) {
                return false;
            }
        }
        return name.equals(name.toLowerCase(Locale.ROOT));
    }
}
