package io.jvmhealth.agent.health.checks.hang;

import java.lang.reflect.Field;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads what a pool's thread runs, for {@link PoolThreads}. Never loaded by the agent's own class loader:
 * {@link PoolThreads} defines it in a loader of its own, whose unnamed module is the only one that {@code java.base}
 * opens {@code java.lang} and {@code java.util.concurrent} to. It refers to no other agent class.
 *
 * <p>{@code apply(Thread)}: the {@code Runnable} the thread was created with ({@code Thread.holder.task} on JDK 19+,
 * {@code Thread.target} before), or null. {@code apply(anything else)}: the enclosing instance of an inner class's
 * object (its {@code this$0} field: a {@code ThreadPoolExecutor$Worker}'s executor), or null. Read-only: no field is
 * ever written.
 */
public final class TaskCall implements java.util.function.Function<Object, Object> {
    private static final int MAX_CACHED = 16;
    private final Field holder;
    private final Field holderTask;
    private final Field target;
    private final Map<Class<?>, Field> outers = new HashMap<Class<?>, Field>();

    public TaskCall() throws Exception {
        Field h = null;
        Field task = null;
        Field t = null;
        try {
            h = Thread.class.getDeclaredField("holder");
            task = h.getType().getDeclaredField("task");
            h.setAccessible(true);
            task.setAccessible(true);
        } catch (NoSuchFieldException e) {
            h = null;
            task = null;
            t = Thread.class.getDeclaredField("target");
            t.setAccessible(true);
        }
        holder = h;
        holderTask = task;
        target = t;
    }

    @Override
    public Object apply(Object o) {
        try {
            if (o instanceof Thread) {
                if (holder != null) {
                    Object fields = holder.get(o);
                    return fields == null ? null : holderTask.get(fields);
                }
                return target.get(o);
            }
            Field outer = outer(o.getClass());
            return outer == null ? null : outer.get(o);
        } catch (Exception e) {
            return null;
        } catch (LinkageError e) {
            return null;
        }
    }

    private synchronized Field outer(Class<?> c) {
        if (outers.containsKey(c)) {
            return outers.get(c);
        }
        Field f;
        try {
            f = c.getDeclaredField("this$0");
            f.setAccessible(true);
        } catch (Exception e) {
            f = null;
        } catch (LinkageError e) {
            f = null;
        }
        if (outers.size() >= MAX_CACHED) {
            outers.clear();
        }
        outers.put(c, f);
        return f;
    }
}
