package io.jvmhealth.agent.health.checks.hang;

import io.jvmhealth.agent.base.PrivateAccess;

import java.io.OutputStream;
import java.lang.instrument.Instrumentation;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;

/**
 * What the JDK knows of its virtual threads and is not public: every virtual thread ({@code jdk.internal.vm}'s
 * thread containers), the owner of the {@code java.util.concurrent} lock a thread is parked on
 * ({@code AbstractOwnableSynchronizer.getExclusiveOwnerThread}, protected), the monitor a thread is blocked on and
 * those it holds ({@code jdk.internal.vm.ThreadSnapshot}, JDK 25+), and the JSON thread dump written to a stream
 * instead of a file ({@code jdk.internal.vm.ThreadDumper}).
 *
 * <p>How, without changing the host: through {@link PrivateAccess}, {@code java.base} opens
 * {@code jdk.internal.vm} and {@code java.util.concurrent.locks} to one module only: the unnamed module of a
 * class loader of the agent's own that defines a single class ({@link InternalsCall}) and nothing else (as
 * {@code PlatformBeans} does for {@code sun.management}). The application's class path gains no access. Where that
 * cannot be done (no instrumentation, JDK 8 to 20, a module that cannot be modified, a JDK without these classes)
 * {@link #open} returns null and says why in {@link #unavailable()}.
 */
public final class ThreadInternals {
    private static final String CALL_CLASS = "io.jvmhealth.agent.health.checks.hang.InternalsCall";
    private static volatile String unavailable = "not tried";
    /** {@link #shared}'s answer, once asked. */
    private static ThreadInternals shared;
    private static boolean sharedTried;

    private final java.util.function.Function<Object, Object> call;

    private ThreadInternals(java.util.function.Function<Object, Object> call) {
        this.call = call;
    }

    /** Why the last {@link #open} returned null. */
    public static String unavailable() {
        return unavailable;
    }

    /**
     * The internals opened once for the whole agent (the deadlock search and the evidence share them: {@code java.base}
     * is redefined once, one private loader defines {@link InternalsCall}), or null where they cannot be had.
     */
    public static synchronized ThreadInternals shared(Instrumentation instrumentation) {
        if (!sharedTried) {
            sharedTried = true;
            shared = open(instrumentation);
        }
        return shared;
    }

    /** The internals, or null where they cannot be had (see {@link #unavailable()}). */
    @SuppressWarnings("unchecked")
    public static ThreadInternals open(Instrumentation instrumentation) {
        try {
            if (instrumentation == null) {
                unavailable = "no instrumentation";
                return null;
            }
            try {
                Thread.class.getMethod("isVirtual");
            } catch (NoSuchMethodException e) {
                unavailable = "no virtual threads before JDK 21";
                return null;
            }
            ThreadInternals internals = new ThreadInternals((java.util.function.Function<Object, Object>) PrivateAccess.instance(
                    instrumentation, CALL_CLASS, Object.class, Collections.<String>emptySet(),
                    new HashSet<String>(Arrays.asList("java.util.concurrent.locks", "jdk.internal.vm"))));
            unavailable = null;
            return internals;
        } catch (Throwable e) {
            unavailable = "the JDK's internals could not be opened: " + (e.getMessage() != null ? e.getMessage() : e.toString());
            return null;
        }
    }

    /** The result of one {@link #walk}. */
    public static final class Walk {
        public final long threads;
        public final long virtualThreads;
        /** Virtual threads BLOCKED (on a monitor) during the walk: their ids, at most 4096. */
        public final long[] blockedVirtual;
        /**
         * The deadlock candidates (BLOCKED, or parked on a lock another thread owns), as {@link InternalsCall} describes
         * them: {tid, name, virtual, state, blockedOn, parkBlocker, park owner tid, park owner name, park owner virtual,
         * String[] monitors held, String[] top frames, waitingOn}.
         */
        public final List<Object[]> candidates;
        /** Candidates beyond those described. */
        public final long candidatesNotDescribed;
        /** Whether monitors are known (JDK 25+: {@code ThreadSnapshot}). */
        public final boolean monitors;

        @SuppressWarnings("unchecked")
        Walk(Object[] result) {
            threads = (Long) result[0];
            virtualThreads = (Long) result[1];
            candidates = Collections.unmodifiableList((List<Object[]>) result[3]);
            blockedVirtual = (long[]) result[4];
            monitors = (Boolean) result[5];
            candidatesNotDescribed = (Long) result[6] - candidates.size();
        }
    }

    /** Every thread the JDK tracks, at most {@code maxRows} candidates described (see {@link InternalsCall}). */
    public Walk walk(int maxRows) {
        return new Walk((Object[]) call.apply("walk:" + maxRows));
    }

    /** The JSON thread dump written into {@code out}; an IOException of {@code out} ends it (JDK 25: thrown on). */
    public void dump(OutputStream out) {
        call.apply(out);
    }
}
