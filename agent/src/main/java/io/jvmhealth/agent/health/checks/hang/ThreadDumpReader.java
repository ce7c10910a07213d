package io.jvmhealth.agent.health.checks.hang;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Reads the JDK's JSON thread dump ({@code HotSpotDiagnosticMXBean.dumpThreads(file, JSON)}, {@code jcmd
 * Thread.dump_to_file -format=json}; JDK 21+) into a {@link WaitGraph}, streaming: from a file as an
 * {@link InputStream} ({@link #read}), or as the {@link OutputStream} the JDK writes the dump to ({@link #sink}),
 * so that a dump past the limits is abandoned while it is being written.
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
final class ThreadDumpReader implements JsonPush.Handler, DumpFile.Reader {
    static final int MAX_TEXT = 200;
    static final int MAX_FRAME = 300;

    /** The dump went past a limit: reading stopped there. */
    static final class Limit extends IOException {
        private static final long serialVersionUID = 1L;

        Limit(String message) {
            super(message);
        }
    }

    private final long maxBytes;
    private final int maxThreads;
    private final JsonPush json;
    private final WaitGraph graph;
    private final String[] keys = new String[JsonPush.MAX_DEPTH + 2];
    private int depth;
    private DumpedThread current;
    private int threadsRead;
    private boolean lockInformation;
    private String runtimeVersion;
    private String cutAt;

    ThreadDumpReader(long maxBytes, int maxThreads) {
        this(maxBytes, maxThreads, maxThreads);
    }

    /** @param maxKept the waiting or holding threads the graph keeps (each up to a few KB: names, frames, locks) */
    ThreadDumpReader(long maxBytes, int maxThreads, int maxKept) {
        this.maxBytes = maxBytes;
        this.maxThreads = maxThreads;
        this.json = new JsonPush(this, MAX_FRAME);
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

    /** Reads a whole dump (or up to a limit) from {@code in}; never throws for a dump that is cut or malformed. */
    @Override
    public void read(InputStream in) throws IOException {
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = in.read(buffer)) > 0; ) {
                feed(buffer, 0, n);
            }
            end();
        } catch (Limit e) {
            // cutAt says where
        }
    }

    /**
     * An output stream for the JDK to write the dump to: each write is read at once; past a limit the write throws
     * {@link Limit}, which ends the JDK's dump. {@link OutputStream#close()} checks that the dump was whole.
     */
    OutputStream sink() {
        return new OutputStream() {
            private boolean ended;

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                feed(b, off, len);
            }

            @Override
            public void close() throws IOException {
                if (!ended) {
                    ended = true;
                    if (cutAt == null) {
                        end();
                    }
                }
            }
        };
    }

    private void feed(byte[] b, int off, int len) throws IOException {
        if (cutAt != null) {
            throw new Limit(cutAt);
        }
        int room = (int) Math.min(len, maxBytes - json.offset());
        try {
            json.feed(b, off, Math.max(0, room));
        } catch (Limit e) {
            throw e;
        } catch (JsonPush.Malformed e) {
            cutAt = "malformed: " + e.getMessage();
            throw new Limit(cutAt);
        }
        if (room < len) {
            cutAt = maxBytes + " bytes";
            throw new Limit(cutAt);
        }
    }

    private void end() throws IOException {
        try {
            json.end();
        } catch (JsonPush.Malformed e) {
            cutAt = "incomplete: " + e.getMessage();
        }
    }

    private boolean inThreads() {
        return depth >= 6 && "threadDump".equals(keys[1]) && "threadContainers".equals(keys[2]) && "threads".equals(keys[4]);
    }

    @Override
    public void startObject() {
        depth++;
        keys[depth] = null;
        if (depth == 6 && inThreads()) {
            current = new DumpedThread();
        }
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
    public void startArray() {
        depth++;
        keys[depth] = null;
    }

    @Override
    public void endArray() {
        depth--;
    }

    @Override
    public void key(String key) {
        keys[depth] = key;
    }

    @Override
    public void value(String text, boolean quoted, long cut) {
        if (depth == 2 && "runtimeVersion".equals(keys[2]) && "threadDump".equals(keys[1])) {
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

    private static long number(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
