package io.jvmhealth.agent.health.checks.hang;

import java.io.IOException;

/**
 * Reads the JDK's JSON thread dump ({@code HotSpotDiagnosticMXBean.dumpThreads(file, JSON)}, {@code jcmd
 * Thread.dump_to_file -format=json}; JDK 21+) into a {@link WaitGraph}, streaming ({@link JsonDumpReader}: from a
 * file, or as the stream the JDK writes the dump to, so that a dump past the limits is abandoned while it is being
 * written).
 *
 * <p>What it takes from each thread of {@code threadDump.threadContainers[].threads[]}: {@code tid}, {@code name},
 * {@code virtual}, {@code state}, {@code blockedOn}, {@code waitingOn}, {@code parkBlocker.object} (and
 * {@code parkBlocker.owner}, which JDK 25 does not write yet), {@code stack}, {@code monitorsOwned[].locks},
 * {@code carrier}; everything else is skipped. JDK 21 to 24 write only {@code tid}, {@code name} and
 * {@code stack}: {@link #lockInformation()} then says false.
 *
 * <p>Bounded: at most {@code maxBytes} bytes and {@code maxThreads} threads are read (then {@link Limit} is thrown
 * and {@link #cutAt()} says where), names and lock names are cut at {@link #MAX_TEXT} characters, stack frames at
 * {@link #MAX_FRAME} characters, the graph keeps at most {@code maxKept} waiting or holding threads.
 */
final class ThreadDumpReader extends JsonDumpReader {
    static final int MAX_TEXT = 200;

    private final int maxThreads;
    private final WaitGraph graph;
    private DumpedThread current;
    private int threadsRead;
    private boolean lockInformation;
    private String runtimeVersion;

    ThreadDumpReader(long maxBytes, int maxThreads) {
        this(maxBytes, maxThreads, maxThreads);
    }

    /** @param maxKept the waiting or holding threads the graph keeps (each up to a few KB: names, frames, locks) */
    ThreadDumpReader(long maxBytes, int maxThreads, int maxKept) {
        super(maxBytes);
        this.maxThreads = maxThreads;
        this.graph = new WaitGraph(maxKept);
    }

    WaitGraph graph() {
        return graph;
    }

    int threadsRead() {
        return threadsRead;
    }

    long bytesRead() {
        return json.offset();
    }

    /** Whether the dump names thread states and locks (JDK 25+). */
    boolean lockInformation() {
        return lockInformation;
    }

    String runtimeVersion() {
        return runtimeVersion;
    }

    /** Why the reading stopped early ("N bytes", "N threads", a malformed dump), or null when it read it all. */
    String cutAt() {
        return cutAt;
    }

    @Override
    void threadStarts() {
        current = new DumpedThread();
    }

    @Override
    public void endObject() throws IOException {
        if (depth == 6 && current != null) {
            if (current.tid >= 0) {
                graph.add(current);
            }
            current = null;
            if (++threadsRead >= maxThreads) {
                cutAt = maxThreads + " threads";
                depth--;
                throw new Limit(cutAt);
            }
        }
        depth--;
    }

    @Override
    public void value(String text, boolean quoted, long cut) {
        if (atRuntimeVersion()) {
            runtimeVersion = bounded(text, 0);
            return;
        }
        if (current == null || !inThreads()) {
            return;
        }
        String isNull = quoted ? null : text;
        if (depth == 6) {
            String key = keys[6];
            if ("tid".equals(key)) {
                current.tid = number(text);
            } else if ("name".equals(key)) {
                current.name = bounded(text, cut);
            } else if ("virtual".equals(key)) {
                current.virtual = "true".equals(text);
            } else if ("state".equals(key)) {
                current.state = bounded(text, cut);
                lockInformation = true;
            } else if ("blockedOn".equals(key) && !"null".equals(isNull)) {
                current.blockedOn = bounded(text, cut);
            } else if ("waitingOn".equals(key) && !"null".equals(isNull)) {
                current.waitingOn = bounded(text, cut);
            } else if ("carrier".equals(key)) {
                current.carrier = number(text);
            }
        } else if (depth == 7 && "parkBlocker".equals(keys[6])) {
            if ("object".equals(keys[7]) && quoted) {
                current.parkBlocker = bounded(text, cut);
            } else if ("owner".equals(keys[7])) {
                current.parkBlockerOwner = number(text);
            }
        } else if (depth == 7 && "stack".equals(keys[6]) && keys[7] == null) {
            current.frame(cut > 0 ? text + "...(cut)" : text);
        } else if (depth == 9 && "monitorsOwned".equals(keys[6]) && "locks".equals(keys[8]) && quoted) {
            current.owns(bounded(text, cut)); // null: "lock is eliminated", no lock
        }
    }

    private static String bounded(String text, long cut) {
        if (text.length() > MAX_TEXT) {
            return text.substring(0, MAX_TEXT) + "...(cut)";
        }
        return cut > 0 ? text + "...(cut)" : text;
    }
}
