package io.jvmhealth.agent.shutdown;

import java.util.ArrayList;
import java.util.List;

/** A listener that keeps every call as a line ({@code drainBegan 300000000}, {@code drainEnded WHY}, {@code shutdownBegan}). */
final class RecordingListener implements ShutdownListener {
    private final List<String> calls = new ArrayList<>();
    private final List<Long> times = new ArrayList<>();

    @Override
    public void drainBegan(long drainNanos) {
        add("drainBegan " + drainNanos);
    }

    @Override
    public void drainEnded(String why) {
        add("drainEnded " + why);
    }

    @Override
    public void shutdownBegan() {
        add("shutdownBegan");
    }

    private synchronized void add(String call) {
        calls.add(call);
        times.add(System.nanoTime());
    }

    synchronized List<String> calls() {
        return new ArrayList<>(calls);
    }

    /** System.nanoTime of the call that starts with {@code prefix}, or -1. */
    synchronized long timeOf(String prefix) {
        for (int i = 0; i < calls.size(); i++) {
            if (calls.get(i).startsWith(prefix)) {
                return times.get(i);
            }
        }
        return -1;
    }
}
