package io.jvmhealth.agent.testing;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Polls one path of the agent from a tight loop on its own thread (a new connection per request, as a kubelet's probe
 * makes), recording each answer's status and the System.nanoTime at which it arrived, until {@link #close()} or
 * the agent's port closes. For measuring when {@code /ready} turned 503 against a moment the host prints.
 */
public final class ReadyPoller implements AutoCloseable {
    /** One answer: its status (-1: the connection failed) and when it arrived. */
    public static final class Answer {
        public final int status;
        public final long nanos;

        Answer(int status, long nanos) {
            this.status = status;
            this.nanos = nanos;
        }

        @Override
        public String toString() {
            return status + "@" + nanos;
        }
    }

    private final String url;
    private final String path;
    private final List<Answer> answers = new ArrayList<>();
    private final Thread thread;
    private volatile boolean closed;

    private ReadyPoller(String url, String path) {
        this.url = url;
        this.path = path;
        thread = new Thread(this::loop, "ready-poller");
        thread.setDaemon(true);
    }

    /** Starts polling {@code path} of the agent at {@code url}. */
    public static ReadyPoller start(String url, String path) {
        ReadyPoller p = new ReadyPoller(url, path);
        p.thread.start();
        return p;
    }

    private void loop() {
        int failuresInARow = 0;
        while (!closed && failuresInARow < 200) {
            int status;
            try {
                status = Http.get(url, path).status;
                failuresInARow = 0;
            } catch (IOException e) {
                status = -1;
                failuresInARow++;
            }
            synchronized (answers) {
                answers.add(new Answer(status, System.nanoTime()));
            }
        }
    }

    /** Every answer so far, oldest first. */
    public List<Answer> answers() {
        synchronized (answers) {
            return new ArrayList<>(answers);
        }
    }

    /** The first answer with this status that arrived after {@code afterNanos}, or null. */
    public Answer first(int status, long afterNanos) {
        for (Answer a : answers()) {
            if (a.status == status && a.nanos - afterNanos > 0) {
                return a;
            }
        }
        return null;
    }

    /** The first answer with this status after {@code afterNanos}, waiting for it (fails at the deadline). */
    public Answer await(int status, long afterNanos, java.time.Duration timeout) {
        return Poll.until("an answer " + status + " from " + path, timeout, () -> first(status, afterNanos), a -> a != null);
    }

    /** How many answers so far. */
    public int count() {
        synchronized (answers) {
            return answers.size();
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
