package org.apache.kafka.streams;

import org.apache.kafka.streams.processor.internals.StreamThread;

/**
 * A stand-in with the shape the agent reads of Kafka Streams' client (StreamsClientsTest): a volatile state behind a
 * public {@code state()}, and a state listener, an inner class, handed to each stream thread it starts.
 */
public class KafkaStreams {
    public enum State { CREATED, REBALANCING, RUNNING, PENDING_SHUTDOWN, NOT_RUNNING, PENDING_ERROR, ERROR }

    protected volatile State state = State.CREATED;
    private final StreamStateListener streamStateListener = new StreamStateListener();
    private final String clientId;
    private StreamThread thread;

    public KafkaStreams(String clientId) {
        this.clientId = clientId;
    }

    public State state() {
        return state;
    }

    /** Test control: the state the real client would move to. */
    public void set(State s) {
        state = s;
        if ((s == State.ERROR || s == State.NOT_RUNNING) && thread != null) {
            thread.finish();
        }
    }

    /** Test control: waits for the stream thread to end (after {@link #set} NOT_RUNNING or ERROR). */
    public void awaitThreadEnd() throws InterruptedException {
        StreamThread t = thread;
        if (t != null) {
            t.join(5000);
        }
    }

    /** Starts one stream thread, as {@code start()} does. */
    public synchronized void start() {
        state = State.REBALANCING;
        thread = new StreamThread(clientId + "-StreamThread-1");
        thread.setStateListener(streamStateListener);
        thread.start();
    }

    final class StreamStateListener implements StreamThread.StateListener {
        @Override
        public void onChange(Thread thread) {
            if (state == State.CREATED) {
                state = State.REBALANCING;
            }
        }
    }
}
