package io.jvmhealth.agent.health;

import java.util.Locale;

/**
 * How the names of checks that are not built in are made: gate names carry a prefix with a colon
 * ({@code port:8080}, {@code after:com.acme.App.start}, {@code app:tomcat}), which rule names may not
 * contain ({@link #isValidRuleName}), so no gate can clash with a rule or a built-in check (whose
 * names each check type declares; a rule may not take one of those either, see the rules' options).
 */
public final class CheckNames {
    /** Not a check's name: {@code /health/history} is the transitions, so no rule may be called that. */
    public static final String HISTORY = "history";

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
     * letter, at most 64 characters.
     */
    public static boolean isValidRuleName(String name) {
        if (name.isEmpty() || name.length() > 64 || name.equals(HISTORY)) {
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
