package io.jvmhealth.agent.health.checks.hang;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The streaming part that {@link ThreadDumpReader} (the deadlock search's graph) and {@link VirtualThreadDump}'s text
 * (the evidence) share when they read the JDK's JSON thread dump: the bytes come in from a file ({@link #read}) or as
 * the {@link OutputStream} the JDK writes to ({@link #sink}), go through a {@link JsonPush} and stop at
 * {@code maxBytes}; the path of keys is tracked ({@link #keys}, {@link #depth}), and each thread object of
 * {@code threadDump.threadContainers[].threads[]} is announced by {@link #threadStarts()}. What is taken from a thread
 * is the subclass's ({@link #value}, {@link #endObject}).
 *
 * <p>Past a limit, or at malformed JSON, {@link #cutAt} says where and {@link Limit} is thrown, which ends the JDK's
 * dump when it writes into {@link #sink}; {@link #read} never throws for a dump that is cut or malformed.
 */
abstract class JsonDumpReader implements JsonPush.Handler, DumpFile.Reader {
    /** Characters kept of a string or literal (a stack frame) before it is cut. */
    static final int MAX_FRAME = 300;

    /** The dump went past a limit: reading stopped there. */
    static final class Limit extends IOException {
        private static final long serialVersionUID = 1L;

        Limit(String message) {
            super(message);
        }
    }

    private final long maxBytes;
    final JsonPush json;
    /** The key at each depth of the current path; null inside an array or before an object's first key. */
    final String[] keys = new String[JsonPush.MAX_DEPTH + 2];
    int depth;
    /** Why the reading stopped early ("N bytes", a malformed dump, or what the subclass sets), or null. */
    String cutAt;

    JsonDumpReader(long maxBytes) {
        this.maxBytes = maxBytes;
        this.json = new JsonPush(this, MAX_FRAME);
    }

    /** A thread object of {@code threadDump.threadContainers[].threads[]} begins (at {@link #depth} 6). */
    abstract void threadStarts();

    /** Reads a whole dump (or up to a limit) from {@code in}; never throws for a dump that is cut or malformed. */
    @Override
    public final void read(InputStream in) throws IOException {
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
    final OutputStream sink() {
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

    /** Whether the current path is inside a thread object of {@code threadDump.threadContainers[].threads[]}. */
    final boolean inThreads() {
        return depth >= 6 && "threadDump".equals(keys[1]) && "threadContainers".equals(keys[2]) && "threads".equals(keys[4]);
    }

    /** Whether the current value is {@code threadDump.runtimeVersion}. */
    final boolean atRuntimeVersion() {
        return depth == 2 && "runtimeVersion".equals(keys[2]) && "threadDump".equals(keys[1]);
    }

    @Override
    public final void startObject() {
        depth++;
        keys[depth] = null;
        if (depth == 6 && inThreads()) {
            threadStarts();
        }
    }

    @Override
    public final void startArray() {
        depth++;
        keys[depth] = null;
    }

    @Override
    public final void endArray() {
        depth--;
    }

    @Override
    public final void key(String key) {
        keys[depth] = key;
    }

    /** The number in {@code text}, or -1 where it is none. */
    static long number(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
