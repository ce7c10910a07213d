package io.jvmhealth.agent.shutdown;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The hook's life and the listener's order, with a stand-in for Runtime's hooks (no real shutdown in the test JVM). */
class ShutdownWatchTest {

    /** Records the hooks added and removed; {@code failure} (when set) is thrown by add. */
    static final class FakeHooks implements ShutdownWatch.Hooks {
        final List<Thread> added = Collections.synchronizedList(new ArrayList<>());
        final List<Thread> removed = Collections.synchronizedList(new ArrayList<>());
        RuntimeException failure;

        @Override
        public void add(Thread hook) {
            if (failure != null) {
                throw failure;
            }
            added.add(hook);
        }

        @Override
        public boolean remove(Thread hook) {
            removed.add(hook);
            return added.remove(hook);
        }

        /** Runs the hook as the JVM would, on its own thread, and waits for it. */
        void runHooks() throws InterruptedException {
            for (Thread hook : new ArrayList<>(added)) {
                hook.start();
                hook.join(5_000);
            }
        }
    }

    @Test
    void addsOneDaemonHookNamedForTheAgentAndInstallsNoSignalHandler() {
        FakeHooks hooks = new FakeHooks();
        ShutdownWatch watch = ShutdownWatch.start(new RecordingListener(), hooks, 0);
        assertEquals(1, hooks.added.size());
        Thread hook = hooks.added.get(0);
        assertEquals("jvm-health-shutdown", hook.getName());
        assertTrue(hook.isDaemon());
        assertEquals(Thread.State.NEW, hook.getState(), "a hook is only started by the JVM");
        assertEquals("readiness ends with the JVM's shutdown", watch.describe(), "no drain without the option");
        watch.close();
    }

    @Test
    void tellsTheListenerOnceWhenTheHookRuns() throws Exception {
        FakeHooks hooks = new FakeHooks();
        RecordingListener listener = new RecordingListener();
        ShutdownWatch watch = ShutdownWatch.start(listener, hooks, 0);
        assertFalse(watch.shuttingDown());
        assertEquals(null, watch.cause());
        hooks.runHooks();
        assertTrue(watch.shuttingDown());
        // In this JVM no thread is in Shutdown.exit: the cause cannot be told
        assertEquals(Arrays.asList("shutdownBegan"), listener.calls());
        watch.hookRan();
        assertEquals(1, listener.calls().size(), "told once");
        assertEquals(ShutdownCause.UNKNOWN, watch.cause());
    }

    @Test
    void aStartDuringTheShutdownTellsTheListenerAtOnce() {
        FakeHooks hooks = new FakeHooks();
        hooks.failure = new IllegalStateException("Shutdown in progress");
        RecordingListener listener = new RecordingListener();
        ShutdownWatch watch = ShutdownWatch.start(listener, hooks, 0);
        assertTrue(watch.shuttingDown());
        assertEquals(Arrays.asList("shutdownBegan"), listener.calls());
        assertEquals("the JVM's shutdown was under way when the agent started", watch.cause());
        assertEquals("no shutdown hook", watch.describe());
        watch.close(); // nothing to remove, no exception
        assertTrue(hooks.removed.isEmpty());
    }

    @Test
    void aRefusedHookLeavesAnInertWatchAndThrowsNothing() {
        FakeHooks hooks = new FakeHooks();
        hooks.failure = new SecurityException("access denied (\"java.lang.RuntimePermission\" \"shutdownHooks\")");
        RecordingListener listener = new RecordingListener();
        ShutdownWatch watch = ShutdownWatch.start(listener, hooks, 0);
        assertFalse(watch.shuttingDown());
        assertTrue(listener.calls().isEmpty());
        assertEquals("no shutdown hook", watch.describe());
        watch.close();
    }

    @Test
    void closeRemovesTheHookAndTellsNothingAfterwards() throws Exception {
        FakeHooks hooks = new FakeHooks();
        RecordingListener listener = new RecordingListener();
        ShutdownWatch watch = ShutdownWatch.start(listener, hooks, 0);
        Thread hook = hooks.added.get(0);
        watch.close();
        assertEquals(Arrays.asList(hook), hooks.removed);
        hook.start(); // as if the JVM still ran it (removal raced the shutdown)
        hook.join(5_000);
        assertTrue(listener.calls().isEmpty());
        watch.close(); // twice: nothing more
        assertEquals(1, hooks.removed.size());
    }

    @Test
    void aRemovalRefusedDuringTheShutdownIsSwallowed() {
        ShutdownWatch.Hooks refusing = new ShutdownWatch.Hooks() {
            @Override
            public void add(Thread hook) {
            }

            @Override
            public boolean remove(Thread hook) {
                throw new IllegalStateException("Shutdown in progress");
            }
        };
        ShutdownWatch.start(new RecordingListener(), refusing, 0).close();
    }

    @Test
    void aListenerThatThrowsDoesNotReachTheHost() throws Exception {
        FakeHooks hooks = new FakeHooks();
        ShutdownListener throwing = new ShutdownListener() {
            @Override
            public void drainBegan(long drainNanos) {
                throw new IllegalStateException("drain");
            }

            @Override
            public void drainEnded(String why) {
                throw new IllegalStateException("ended");
            }

            @Override
            public void shutdownBegan() {
                throw new IllegalStateException("boom");
            }
        };
        ShutdownWatch watch = ShutdownWatch.start(throwing, hooks, 0);
        List<Throwable> uncaught = Collections.synchronizedList(new ArrayList<>());
        hooks.added.get(0).setUncaughtExceptionHandler((t, e) -> uncaught.add(e));
        hooks.runHooks();
        assertTrue(uncaught.isEmpty(), uncaught.toString());
        assertTrue(watch.shuttingDown());
    }

    @Test
    void aDrainUnderWayIsEndedBeforeTheShutdownIsTold() {
        FakeHooks hooks = new FakeHooks();
        RecordingListener listener = new RecordingListener();
        ShutdownWatch watch = ShutdownWatch.start(listener, hooks, 0);
        List<String> woken = new ArrayList<>();
        assertTrue(watch.drainBegan(3_000_000_000L, () -> woken.add("woken")));
        assertFalse(watch.drainBegan(3_000_000_000L, () -> { }), "one drain");
        watch.hookRan();
        assertEquals(Arrays.asList("drainBegan 3000000000", "drainEnded the JVM's shutdown began", "shutdownBegan"),
                listener.calls());
        assertEquals(Arrays.asList("woken"), woken);
        assertFalse(watch.drainEnded("its 3s are over"), "once the shutdown began the signal is not handed on");
        assertEquals(3, listener.calls().size());
    }

    @Test
    void aDrainThatEndsIsToldOnceAndTheShutdownAfterIt() {
        FakeHooks hooks = new FakeHooks();
        RecordingListener listener = new RecordingListener();
        ShutdownWatch watch = ShutdownWatch.start(listener, hooks, 0);
        assertTrue(watch.drainBegan(1_000_000L, () -> { }));
        assertTrue(watch.drainEnded("its 1ms are over"));
        assertTrue(watch.drainEnded("again"), "handing on stays allowed");
        assertFalse(watch.drainBegan(1_000_000L, () -> { }), "a drain happens once");
        watch.hookRan();
        assertEquals(Arrays.asList("drainBegan 1000000", "drainEnded its 1ms are over", "shutdownBegan"),
                listener.calls());
    }

    @Test
    void noDrainBeginsOnceTheShutdownBegan() {
        FakeHooks hooks = new FakeHooks();
        RecordingListener listener = new RecordingListener();
        ShutdownWatch watch = ShutdownWatch.start(listener, hooks, 0);
        watch.hookRan();
        assertFalse(watch.drainBegan(1_000_000L, () -> { }));
        assertEquals(1, listener.calls().size());
    }
}
