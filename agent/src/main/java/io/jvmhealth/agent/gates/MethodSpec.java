package io.jvmhealth.agent.gates;

/**
 * One {@code ready.after} entry, {@code fully.qualified.Class#method}: a class's binary name (dots
 * between packages, {@code $} for nested classes) and a method name, both made of Java identifiers.
 * Every method of that name in that class (any overload) counts.
 */
public final class MethodSpec {
    public final String className;
    public final String methodName;

    private MethodSpec(String className, String methodName) {
        this.className = className;
        this.methodName = methodName;
    }

    /** The spec, or null when {@code text} is not {@code Class#method} with valid identifiers. */
    public static MethodSpec parse(String text) {
        int hash = text.indexOf('#');
        if (hash <= 0 || hash != text.lastIndexOf('#') || hash == text.length() - 1) {
            return null;
        }
        String type = text.substring(0, hash);
        String method = text.substring(hash + 1);
        if (!isIdentifier(method)) {
            return null;
        }
        for (String part : type.split("\\.", -1)) {
            if (!isIdentifier(part)) {
                return null;
            }
        }
        return new MethodSpec(type, method);
    }

    private static boolean isIdentifier(String s) {
        if (s.isEmpty() || !Character.isJavaIdentifierStart(s.charAt(0))) {
            return false;
        }
        for (int i = 1; i < s.length(); i++) {
            if (!Character.isJavaIdentifierPart(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MethodSpec && ((MethodSpec) o).className.equals(className) && ((MethodSpec) o).methodName.equals(methodName);
    }

    @Override
    public int hashCode() {
        return className.hashCode() * 31 + methodName.hashCode();
    }

    @Override
    public String toString() {
        return className + "#" + methodName;
    }
}
