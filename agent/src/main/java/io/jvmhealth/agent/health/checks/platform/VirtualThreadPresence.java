package io.jvmhealth.agent.health.checks.platform;

/**
 * Whether this JVM has ever used virtual threads, at no cost per thread: the JDK (21+) creates the thread groups
 * "CarrierThreads" (with the first carrier of the virtual-thread scheduler; {@code jdk.internal.misc.CarrierThread}
 * keeps it in a static field) and "VirtualThreads" (the group every virtual thread reports) under the system thread
 * group the first time virtual threads are used, and never removes them. Looking costs a walk over the system group's
 * direct subgroups (4 µs measured on JDK 25, all of it the names' strings): no thread is listed, no class loaded or
 * initialized, nothing created. Once true it stays true (the answer is kept).
 *
 * <p>Not "has virtual threads now": the check it gates must bound its own rate. A JVM that uses its own
 * virtual-thread scheduler without carrier threads would still show the "VirtualThreads" group.
 *
 * <p>Here, not in {@code health.checks.hang}, so that a JVM that never used a virtual thread loads no class of that
 * package at all: the checks ask this first, and only a yes makes them load the search and the scheduler's judge.
 */
public final class VirtualThreadPresence {
    private static final int MAX_GROUPS = 64;
    private static volatile boolean seen;

    private VirtualThreadPresence() {
    }

    /** Whether this JDK has virtual threads at all (21+), from {@code java.specification.version}: nothing is loaded. */
    public static boolean jdkHasThem() {
        return feature(System.getProperty("java.specification.version")) >= 21;
    }

    /** The feature release of a {@code java.specification.version} ("1.8" is 8, "25" is 25); 0 when unreadable. */
    static int feature(String version) {
        if (version == null) {
            return 0;
        }
        String v = version.startsWith("1.") ? version.substring(2) : version;
        int end = 0;
        while (end < v.length() && Character.isDigit(v.charAt(end))) {
            end++;
        }
        try {
            return end == 0 ? 0 : Integer.parseInt(v.substring(0, end));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    public static boolean used() {
        if (seen) {
            return true;
        }
        ThreadGroup group = Thread.currentThread().getThreadGroup();
        if (group == null) {
            return false; // a terminated thread: ask again later
        }
        while (group.getParent() != null) {
            group = group.getParent();
        }
        if (used(group)) {
            seen = true;
        }
        return seen;
    }

    static boolean used(ThreadGroup system) {
        ThreadGroup[] groups = new ThreadGroup[MAX_GROUPS];
        int n = system.enumerate(groups, false);
        for (int i = 0; i < n; i++) {
            String name = groups[i].getName();
            if ("CarrierThreads".equals(name) || "VirtualThreads".equals(name)) {
                return true;
            }
        }
        return false;
    }
}
