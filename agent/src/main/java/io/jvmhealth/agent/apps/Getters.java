package io.jvmhealth.agent.apps;

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Calls the public no-argument getters of a server's own objects by reflection (the agent is compiled against no
 * server), and reads their declared fields ({@link #field}), each method or field looked up once per class. For the
 * "still serving" watches: called every few tens of ms, so only getters that read a field (no lock, no I/O) are named
 * here.
 */
final class Getters {
    /** What {@link #get} returns for a method the object does not have. */
    static final Object MISSING = new Object();
    /** Per class: its members looked up so far, by name: the {@link Method} or {@link Field}, or {@link #MISSING}. */
    private static final ClassValue<Members> MEMBERS = new ClassValue<Members>() {
        @Override
        protected Members computeValue(Class<?> type) {
            return new Members();
        }
    };

    private static final class Members {
        final ConcurrentHashMap<String, Object> methods = new ConcurrentHashMap<String, Object>(4);
        final ConcurrentHashMap<String, Object> fields = new ConcurrentHashMap<String, Object>(4);
    }

    private Getters() {
    }

    /**
     * {@code target.name()}, or {@link #MISSING} when the object has no such public method; what the getter throws is
     * thrown (unchecked).
     */
    static Object get(Object target, String name) {
        ConcurrentHashMap<String, Object> methods = MEMBERS.get(target.getClass()).methods;
        Object m = methods.get(name);
        if (m == null) {
            try {
                Method found = target.getClass().getMethod(name);
                if (!java.lang.reflect.Modifier.isPublic(found.getDeclaringClass().getModifiers())) {
                    found.setAccessible(true); // a public method of a class that is not (a subclass of the server's own)
                }
                m = found;
            } catch (NoSuchMethodException e) {
                m = MISSING;
            }
            methods.put(name, m);
        }
        if (m == MISSING) {
            return MISSING;
        }
        try {
            return ((Method) m).invoke(target);
        } catch (java.lang.reflect.InvocationTargetException e) {
            Throwable cause = e.getCause();
            throw cause instanceof RuntimeException ? (RuntimeException) cause : new IllegalStateException(name + " threw " + cause, cause);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(name + ": " + e, e);
        }
    }

    /**
     * The value of the field {@code name} that {@code target}'s class or one of its superclasses declares (no code of
     * the application runs), or {@link #MISSING} when none does or it cannot be made readable (a JDK class's field).
     */
    static Object field(Object target, String name) {
        return read(fieldOf(target.getClass(), name), target);
    }

    /** The value of the static field {@code name} that {@code type} (or a superclass) declares, or {@link #MISSING}. */
    static Object staticField(Class<?> type, String name) {
        return read(fieldOf(type, name), null);
    }

    private static Object fieldOf(Class<?> type, String name) {
        ConcurrentHashMap<String, Object> fields = MEMBERS.get(type).fields;
        Object f = fields.get(name);
        if (f == null) {
            f = MISSING;
            for (Class<?> c = type; c != null && f == MISSING; c = c.getSuperclass()) {
                try {
                    Field found = c.getDeclaredField(name);
                    found.setAccessible(true);
                    f = found;
                } catch (NoSuchFieldException e) {
                    // the superclass may declare it
                } catch (RuntimeException e) {
                    break; // not accessible (InaccessibleObjectException on JDK 9+): treated as missing
                } catch (LinkageError e) {
                    break; // a field's type that cannot be loaded: treated as missing
                }
            }
            fields.put(name, f);
        }
        return f;
    }

    /** {@code field}'s value in {@code target} (null: a static field), or {@link #MISSING}. */
    private static Object read(Object field, Object target) {
        if (field == MISSING) {
            return MISSING;
        }
        try {
            return ((Field) field).get(target);
        } catch (IllegalAccessException e) {
            return MISSING;
        } catch (RuntimeException e) {
            return MISSING; // an instance field read as static
        }
    }

    /** The elements of an array returned by a getter (an empty array for null). */
    static Object[] elements(Object array) {
        if (array == null) {
            return new Object[0];
        }
        Object[] out = new Object[Array.getLength(array)];
        for (int i = 0; i < out.length; i++) {
            out[i] = Array.get(array, i);
        }
        return out;
    }

    /** A lifecycle state as its name: an enum's {@code name()} (Tomcat's LifecycleState), else its text (Jetty's). */
    static String stateName(Object state) {
        return state instanceof Enum ? ((Enum<?>) state).name() : String.valueOf(state);
    }

    /** "is stopping", "has stopped", "has failed" or "is not started", for a lifecycle state other than STARTED. */
    static String verb(String state) {
        if (state.startsWith("STOPPING")) {
            return "is stopping";
        }
        if (state.startsWith("STOPPED") || state.startsWith("DESTROY")) {
            return "has stopped";
        }
        if (state.startsWith("FAILED")) {
            return "has failed";
        }
        return "is not started";
    }
}
