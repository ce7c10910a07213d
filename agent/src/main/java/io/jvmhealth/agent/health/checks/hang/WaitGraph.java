package io.jvmhealth.agent.health.checks.hang;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The "waits for" graph of a thread dump: a thread waits for one lock (the monitor it is BLOCKED on, or the
 * {@code java.util.concurrent} lock it is parked on), a lock is held by one thread; a deadlock is a cycle.
 * Virtual and platform threads alike. Every thread has at most one outgoing edge, so the cycles are found in
 * one pass over the waiting threads, in time linear in their number.
 *
 * <p>Monitor owners come from the dump ({@code monitorsOwned}); a thread's own {@code waitingOn} and
 * {@code blockedOn} monitors are not counted as held (the JDK lists the monitor of an {@code Object.wait} among
 * the frames' locked monitors, though it is released while the thread waits). Owners of
 * {@code java.util.concurrent} locks come from the dump where a JDK writes them ({@code parkBlocker.owner}) and
 * otherwise from {@link #parkOwner} (read by reflection, or from {@code ThreadMXBean} for platform threads).
 *
 * <p>Bounded: at most {@code maxThreads} threads are kept, and only those that wait for a lock or hold a monitor;
 * {@link #dropped} counts the rest of the waiters and holders (a cycle among them is not found).
 */
final class WaitGraph {
    private final int maxThreads;
    private final Map<Long, DumpedThread> threads = new LinkedHashMap<Long, DumpedThread>();
    private final Map<String, Long> monitorOwners = new HashMap<String, Long>();
    private final Map<String, Long> parkOwners = new HashMap<String, Long>();
    private final Map<Long, DumpedThread> outsiders = new HashMap<Long, DumpedThread>();
    private int seen;
    private int dropped;

    WaitGraph(int maxThreads) {
        this.maxThreads = maxThreads;
    }

    /** Takes a thread of the dump: kept when it waits for a lock or holds a monitor. */
    void add(DumpedThread t) {
        seen++;
        String waits = t.waitsFor();
        boolean holds = false;
        for (String lock : t.monitorsOwned) {
            if (!lock.equals(t.waitingOn) && !lock.equals(t.blockedOn)) {
                holds = true;
                break;
            }
        }
        if (waits == null && !holds && t.parkBlockerOwner < 0) {
            return;
        }
        if (threads.size() >= maxThreads) {
            dropped++;
            return;
        }
        threads.put(t.tid, t);
        for (String lock : t.monitorsOwned) {
            if (!lock.equals(t.waitingOn) && !lock.equals(t.blockedOn)) {
                monitorOwners.put(lock, t.tid);
            }
        }
        if (t.parkBlocker != null && t.parkBlockerOwner >= 0) {
            parkOwners.put(t.parkBlocker, t.parkBlockerOwner);
        }
    }

    /**
     * The owner of a {@code java.util.concurrent} lock, known from elsewhere than the dump.
     * @param lock the lock as the dump names it: {@code class@identityHashHex}
     */
    void parkOwner(String lock, long ownerTid, String ownerName, boolean ownerVirtual) {
        parkOwners.put(lock, ownerTid);
        if (!threads.containsKey(ownerTid)) {
            DumpedThread owner = new DumpedThread();
            owner.tid = ownerTid;
            owner.name = ownerName;
            owner.virtual = ownerVirtual;
            outsiders.put(ownerTid, owner);
        }
    }

    /** The threads kept: those that wait for a lock or hold a monitor. */
    Collection<DumpedThread> threads() {
        return Collections.unmodifiableCollection(threads.values());
    }

    int seen() {
        return seen;
    }

    int dropped() {
        return dropped;
    }

    /** The thread holding what {@code t} waits for, or null (nobody known, or it waits for nothing). */
    DumpedThread holderOf(DumpedThread t) {
        Long owner = ownerOf(t);
        if (owner == null) {
            return null;
        }
        DumpedThread holder = threads.get(owner);
        return holder != null ? holder : outsiders.get(owner);
    }

    private Long ownerOf(DumpedThread t) {
        String lock = t.waitsFor();
        if (lock == null) {
            return null;
        }
        return t.waitsForMonitor() ? monitorOwners.get(lock) : parkOwners.get(lock);
    }

    /**
     * The deadlocks: each a list of threads in which every thread waits for a lock held by the next, the last
     * by the first, started at its lowest thread id (so that the same deadlock read twice is equal).
     * A thread waiting for a lock it holds itself is not a deadlock.
     */
    List<Cycle> cycles() {
        List<Cycle> cycles = new ArrayList<Cycle>();
        Map<Long, Integer> state = new HashMap<Long, Integer>(); // absent: not visited; 1: on the current path; 2: done
        List<DumpedThread> path = new ArrayList<DumpedThread>();
        for (DumpedThread start : threads.values()) {
            if (state.containsKey(start.tid)) {
                continue;
            }
            path.clear();
            DumpedThread t = start;
            while (t != null && !state.containsKey(t.tid)) {
                state.put(t.tid, 1);
                path.add(t);
                Long next = ownerOf(t);
                t = next == null ? null : threads.get(next);
            }
            if (t != null && state.get(t.tid) == 1) {
                int from = path.indexOf(t);
                List<DumpedThread> members = new ArrayList<DumpedThread>(path.subList(from, path.size()));
                if (members.size() > 1) {
                    cycles.add(new Cycle(rotate(members)));
                }
            }
            for (DumpedThread done : path) {
                state.put(done.tid, 2);
            }
        }
        return cycles;
    }

    /** Threads not in a cycle whose chain of waits ends in one: stuck behind a deadlock. At most {@code max}. */
    List<DumpedThread> stuckBehind(List<Cycle> cycles, int max) {
        Map<Long, Boolean> inCycle = new HashMap<Long, Boolean>();
        for (Cycle c : cycles) {
            for (DumpedThread t : c.threads) {
                inCycle.put(t.tid, Boolean.TRUE);
            }
        }
        List<DumpedThread> stuck = new ArrayList<DumpedThread>();
        if (inCycle.isEmpty()) {
            return stuck;
        }
        for (DumpedThread start : threads.values()) {
            if (stuck.size() >= max) {
                break;
            }
            if (inCycle.containsKey(start.tid) || start.waitsFor() == null) {
                continue;
            }
            DumpedThread t = start;
            for (int steps = 0; t != null && steps <= threads.size(); steps++) {
                Long next = ownerOf(t);
                t = next == null ? null : threads.get(next);
                if (t != null && inCycle.containsKey(t.tid)) {
                    stuck.add(start);
                    break;
                }
            }
        }
        return stuck;
    }

    private static List<DumpedThread> rotate(List<DumpedThread> members) {
        int lowest = 0;
        for (int i = 1; i < members.size(); i++) {
            if (members.get(i).tid < members.get(lowest).tid) {
                lowest = i;
            }
        }
        List<DumpedThread> rotated = new ArrayList<DumpedThread>(members.size());
        for (int i = 0; i < members.size(); i++) {
            rotated.add(members.get((lowest + i) % members.size()));
        }
        return rotated;
    }

    /** One deadlock: every thread waits for a lock held by the next, the last by the first. */
    static final class Cycle {
        final List<DumpedThread> threads;

        Cycle(List<DumpedThread> threads) {
            this.threads = Collections.unmodifiableList(threads);
        }

        boolean includesVirtual() {
            for (DumpedThread t : threads) {
                if (t.virtual) {
                    return true;
                }
            }
            return false;
        }

        /** Thread ids and locks, in order: equal for the same deadlock seen in two dumps. */
        String key() {
            StringBuilder b = new StringBuilder();
            for (DumpedThread t : threads) {
                b.append(t.tid).append('>').append(t.waitsFor()).append(';');
            }
            return b.toString();
        }
    }
}
