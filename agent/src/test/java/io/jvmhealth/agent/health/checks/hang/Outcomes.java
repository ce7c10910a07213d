package io.jvmhealth.agent.health.checks.hang;

import java.util.ArrayList;
import java.util.List;

/** Outcomes of the virtual-thread search for tests outside this package (the deadlock check's), made by a real search. */
public final class Outcomes {
    private Outcomes() {
    }

    /** Two virtual threads "va" (#31) and "vb" (#32) deadlocked on monitors, confirmed by a second search. */
    public static VirtualDeadlockWatch.Outcome deadlocked() {
        List<Object[]> rows = new ArrayList<>();
        rows.add(blocked(31, "va", "java.lang.Object@a1", "java.lang.Object@b2"));
        rows.add(blocked(32, "vb", "java.lang.Object@b2", "java.lang.Object@a1"));
        VirtualDeadlocks search = new VirtualDeadlocks(source(rows), new DumpPacing(0, 0), 1 << 20, 1000);
        search.evaluate(0);
        return new VirtualDeadlockWatch.Outcome(search.evaluate(1), System.currentTimeMillis(), System.nanoTime(), 2_000_000, 3_000_000,
                1_000_000_000L, 2, null);
    }

    /** A search that found nothing among 90 virtual threads. */
    public static VirtualDeadlockWatch.Outcome clear() {
        VirtualDeadlocks search = new VirtualDeadlocks(source(new ArrayList<Object[]>()), new DumpPacing(0, 0), 1 << 20, 1000);
        return new VirtualDeadlockWatch.Outcome(search.evaluate(0), System.currentTimeMillis(), System.nanoTime(), 1_000_000, 1_000_000,
                1_000_000_000L, 1, null);
    }

    private static Object[] blocked(long tid, String name, String waits, String holds) {
        return new Object[] {tid, name, true, "BLOCKED", waits, null, -1L, null, false, new String[] {holds},
                new String[] {"app.Work.run(Work.java:1)"}, null};
    }

    private static VirtualDeadlocks.Source source(final List<Object[]> rows) {
        return new VirtualDeadlocks.Source() {
            @Override
            public boolean virtualThreadsUsed() {
                return true;
            }

            @Override
            public ThreadInternals.Walk walk() {
                return new ThreadInternals.Walk(new Object[] {100L, 90L, 0L, rows, new long[0], true, (long) rows.size()});
            }

            @Override
            public String dump(ThreadDumpReader reader, long expectedThreads) {
                return "not in this test";
            }

            @Override
            public long cpuNanos() {
                return 0;
            }
        };
    }
}
