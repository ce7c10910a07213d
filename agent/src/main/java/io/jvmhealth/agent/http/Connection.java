package io.jvmhealth.agent.http;

import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * One client connection as the selector thread sees it: its channel, its head buffer, the answer
 * bytes the socket has not taken yet, and since when it waits (which orders it in its queue).
 * Touched only by the selector thread.
 */
final class Connection {
    final SocketChannel channel;
    final RequestReader reader = new RequestReader();
    SelectionKey key;
    /** Answer bytes not yet written, from {@link #pendingFrom}; null when none. */
    byte[] pending;
    int pendingFrom;
    boolean closeAfterWrite;
    boolean endOfInput;
    boolean closed;

    /** {@link System#nanoTime} when it entered {@link #queue}. */
    long since;
    Queue queue;
    private Connection prev;
    private Connection next;

    Connection(SocketChannel channel) {
        this.channel = channel;
    }

    /**
     * Connections in the order they entered, so the head is the one waiting longest: each enters
     * at the tail with the current time, so checking deadlines looks at the head only.
     */
    static final class Queue {
        Connection head;
        private Connection tail;
        private int size;

        /** Moves {@code c} (from whichever queue holds it) to this queue's tail, waiting since {@code now}. */
        void add(Connection c, long now) {
            if (c.queue != null) {
                c.queue.remove(c);
            }
            c.since = now;
            c.queue = this;
            c.prev = tail;
            c.next = null;
            if (tail == null) {
                head = c;
            } else {
                tail.next = c;
            }
            tail = c;
            size++;
        }

        void remove(Connection c) {
            if (c.queue != this) {
                return;
            }
            if (c.prev == null) {
                head = c.next;
            } else {
                c.prev.next = c.next;
            }
            if (c.next == null) {
                tail = c.prev;
            } else {
                c.next.prev = c.prev;
            }
            c.prev = null;
            c.next = null;
            c.queue = null;
            size--;
        }

        int size() {
            return size;
        }
    }
}
