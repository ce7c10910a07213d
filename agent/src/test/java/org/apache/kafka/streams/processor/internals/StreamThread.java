package org.apache.kafka.streams.processor.internals;

import java.util.concurrent.CountDownLatch;

/** A stand-in for Kafka Streams' stream thread (StreamsClientsTest): it holds its client's state listener. */
public class StreamThread extends Thread {
    public interface StateListener {
        void onChange(Thread thread);
    }

    private final CountDownLatch done = new CountDownLatch(1);
    private StateListener stateListener;

    public StreamThread(String name) {
        super(name);
        setDaemon(true);
    }

    public void setStateListener(StateListener listener) {
        this.stateListener = listener;
    }

    /** Ends the thread (its client stopped or failed). */
    public void finish() {
        done.countDown();
    }

    @Override
    public void run() {
        try {
            done.await();
        } catch (InterruptedException e) {
            // ends
        }
    }
}
