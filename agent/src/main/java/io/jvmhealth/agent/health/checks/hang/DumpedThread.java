package io.jvmhealth.agent.health.checks.hang;

import java.util.ArrayList;
import java.util.List;

/**
 * One thread as the JDK's JSON thread dump describes it (JDK 21+; state and locks from JDK 25), bounded:
 * the name and lock names are cut by the reader, at most {@link #MAX_FRAMES} frames are kept
 * ({@link #frames} counts them all) and at most {@link #MAX_OWNED} owned monitors.
 */
final class DumpedThread {
    static final int MAX_FRAMES = 8;
    static final int MAX_OWNED = 64;

    long tid = -1;
    String name;
    boolean virtual;
    /** {@code Thread.State} name; null where the JDK (21 to 24) does not write one. */
    String state;
    /** The monitor it waits to enter (state BLOCKED), as {@code class@identityHash}. */
    String blockedOn;
    /** The monitor of an {@code Object.wait}: not a lock it waits to take, and released while it waits. */
    String waitingOn;
    /** {@code LockSupport.getBlocker}: what it is parked on (a {@code ReentrantLock}'s sync, a condition, ...). */
    String parkBlocker;
    /** The park blocker's owner where a JDK writes one ({@code parkBlocker.owner}; JDK 25 does not). */
    long parkBlockerOwner = -1;
    final List<String> stack = new ArrayList<String>(MAX_FRAMES);
    int frames;
    final List<String> monitorsOwned = new ArrayList<String>(4);
    int monitorsOwnedCut;
    long carrier = -1;

    void frame(String frame) {
        frames++;
        if (stack.size() < MAX_FRAMES) {
            stack.add(frame);
        }
    }

    void owns(String lock) {
        if (monitorsOwned.size() < MAX_OWNED) {
            monitorsOwned.add(lock);
        } else {
            monitorsOwnedCut++;
        }
    }

    /** The lock it waits to take: the monitor it is blocked on, else what it is parked on; null when neither. */
    String waitsFor() {
        if (blockedOn != null && (state == null || "BLOCKED".equals(state))) {
            return blockedOn;
        }
        return parkBlocker;
    }

    /** Whether it waits on a monitor (true) or is parked (false); meaningful when {@link #waitsFor} is not null. */
    boolean waitsForMonitor() {
        return blockedOn != null && (state == null || "BLOCKED".equals(state));
    }
}
