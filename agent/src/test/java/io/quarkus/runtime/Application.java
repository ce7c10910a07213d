package io.quarkus.runtime;

import java.io.Closeable;

/**
 * A stand-in for Quarkus' own {@code io.quarkus.runtime.Application} (quarkus-core 3.27), for QuarkusGateTest: the same
 * shape where the agent reads it (public abstract, Closeable, a static volatile {@code currentApplication} returned by
 * {@code currentApplication()}, {@code isStarted()} reading one int state) and the same order of states in
 * {@code start} and {@code stop} (current set first; STARTING; the start-up steps; STARTED. STOPPING first; then the
 * shutdown; STOPPED and no current application).
 */
public abstract class Application implements Closeable {
    private static final int ST_INITIAL = 0;
    private static final int ST_STARTING = 1;
    private static final int ST_STARTED = 2;
    private static final int ST_STOPPING = 3;
    private static final int ST_STOPPED = 4;

    protected static volatile Application currentApplication;
    private int state = ST_INITIAL;

    public final void start(String[] args) {
        currentApplication = this;
        state = ST_STARTING;
        doStart(args);
        state = ST_STARTED;
    }

    public final void stop() {
        state = ST_STOPPING;
        doStop();
        state = ST_STOPPED;
        currentApplication = null;
    }

    /** What the test's step between STOPPING and STOPPED is: {@code stop} in two halves. */
    public final void beginStop() {
        state = ST_STOPPING;
    }

    public final void endStop() {
        state = ST_STOPPED;
        currentApplication = null;
    }

    protected abstract void doStart(String[] args);

    protected abstract void doStop();

    public abstract String getName();

    public static Application currentApplication() {
        return currentApplication;
    }

    public boolean isStarted() {
        return state == ST_STARTED;
    }

    @Override
    public final void close() {
        stop();
    }
}
