package io.jvmhealth.agent.shutdown;

import io.jvmhealth.agent.testing.Poll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The drain with real SIGTERMs, raised in this test JVM: before each test the JVM's own TERM handler (which would
 * end this JVM with 143) is replaced by a recording one, which the drain then takes as its previous handler; after
 * each test the JVM's own is put back. The exit codes, the JVM's own handler and the host's come in ShutdownIT.
 */
class DrainTest {
    private static final Signal TERM = new Signal("TERM");
    private SignalHandler original;
    private final Recorder previous = new Recorder();
    private final RecordingListener listener = new RecordingListener();
    private ShutdownWatch watch;

    /** Stands for the handler the drain replaced; counts the signals handed on to it and when. */
    static final class Recorder implements SignalHandler {
        final List<Long> times = new ArrayList<>();
        final List<String> threads = new ArrayList<>();

        @Override
        public synchronized void handle(Signal sig) {
            times.add(System.nanoTime());
            threads.add(Thread.currentThread().getName());
        }

        synchronized int count() {
            return times.size();
        }

        synchronized long first() {
            return times.get(0);
        }
    }

    @BeforeEach
    void replaceTheJvmsOwnHandler() {
        original = Signal.handle(TERM, previous);
        assertTrue(original.toString().startsWith("java.lang.Terminator"), "the JVM's own handler: " + original);
    }

    @AfterEach
    void putTheJvmsOwnHandlerBack() {
        if (watch != null) {
            watch.close();
        }
        Signal.handle(TERM, original);
    }

    private ShutdownWatch start(long drainMillis) {
        watch = ShutdownWatch.start(listener, new ShutdownWatchTest.FakeHooks(), drainMillis * 1_000_000L);
        return watch;
    }

    private void awaitHandedOn(int count, Duration within) {
        Poll.until(count + " SIGTERM(s) handed on", within, previous::count, n -> n >= count);
    }

    private static boolean drainThreadAlive() {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(Drain.THREAD));
    }

    @Test
    void theFirstSigtermFailsReadinessAtOnceAndIsHandedOnAfterTheDrain() {
        start(400);
        assertEquals("readiness ends with the JVM's shutdown; drain 400ms on SIGTERM, then the application's handler "
                + Recorder.class.getName(), watch.describe());
        long raised = System.nanoTime();
        Signal.raise(TERM);
        Poll.until("the drain to begin", Duration.ofSeconds(5), listener::calls, c -> !c.isEmpty());
        awaitHandedOn(1, Duration.ofSeconds(5));
        long toldMillis = (listener.timeOf("drainBegan") - raised) / 1_000_000;
        long handedOnMillis = (previous.first() - raised) / 1_000_000;
        System.out.println("[DrainTest] raise -> drainBegan " + toldMillis + " ms, -> handed on " + handedOnMillis + " ms (drain 400 ms)");
        assertTrue(toldMillis < 200, "told " + toldMillis + " ms after the signal");
        assertTrue(handedOnMillis >= 400, "handed on after " + handedOnMillis + " ms, before the drain was over");
        assertEquals(Arrays.asList("drainBegan 400000000", "drainEnded its 400ms are over"), listener.calls());
        assertTrue(listener.timeOf("drainEnded") <= previous.first(), "told before the signal goes on");
        assertEquals(Drain.THREAD, previous.threads.get(0), "the drain's own thread hands it on");
    }

    @Test
    void aSecondSigtermEndsTheDrainAtOnce() {
        start(60_000);
        Signal.raise(TERM);
        Poll.until("the drain to begin", Duration.ofSeconds(5), listener::calls, c -> !c.isEmpty());
        long second = System.nanoTime();
        Signal.raise(TERM);
        awaitHandedOn(1, Duration.ofSeconds(5));
        System.out.println("[DrainTest] second SIGTERM -> handed on " + (previous.first() - second) / 1_000_000 + " ms");
        assertEquals(Arrays.asList("drainBegan 60000000000", "drainEnded a second SIGTERM"), listener.calls());
        Poll.until("the drain thread to end", Duration.ofSeconds(5), DrainTest::drainThreadAlive, alive -> !alive);
        assertEquals(1, previous.count(), "the second signal ended the drain; it is not handed on twice");
    }

    @Test
    void aSigtermAfterTheDrainGoesStraightOnOnTheJvmsHandlerThread() {
        start(50);
        Signal.raise(TERM);
        awaitHandedOn(1, Duration.ofSeconds(5));
        Signal.raise(TERM);
        awaitHandedOn(2, Duration.ofSeconds(5));
        assertEquals("SIGTERM handler", previous.threads.get(1), "as the JVM would have called it");
        assertEquals(2, listener.calls().size(), "no second drain");
    }

    @Test
    void theShutdownBeginningDuringTheDrainEndsItWithoutHandingTheSignalOn() throws Exception {
        start(60_000);
        Signal.raise(TERM);
        Poll.until("the drain to begin", Duration.ofSeconds(5), listener::calls, c -> !c.isEmpty());
        watch.hookRan(); // System.exit or SIGINT during the drain: the JVM's hooks run
        Poll.until("the drain thread to end", Duration.ofSeconds(5), DrainTest::drainThreadAlive, alive -> !alive);
        assertEquals(0, previous.count(), "the shutdown under way decides the exit code");
        assertEquals(Arrays.asList("drainBegan 60000000000", "drainEnded the JVM's shutdown began", "shutdownBegan"),
                listener.calls());
        Signal.raise(TERM); // a SIGTERM during the shutdown goes on, as without the agent
        awaitHandedOn(1, Duration.ofSeconds(5));
    }

    @Test
    void stopRestoresThePreviousHandler() {
        start(60_000).close();
        SignalHandler installed = Signal.handle(TERM, previous);
        assertSame(previous, installed, "the handler the drain replaced is back");
    }

    @Test
    void stopDuringTheDrainHandsTheSignalOn() {
        start(60_000);
        Signal.raise(TERM);
        Poll.until("the drain to begin", Duration.ofSeconds(5), listener::calls, c -> !c.isEmpty());
        watch.close();
        awaitHandedOn(1, Duration.ofSeconds(5));
        assertEquals(Arrays.asList("drainBegan 60000000000"), listener.calls(), "a closed watch tells nothing more");
        assertSame(previous, Signal.handle(TERM, previous));
    }

    @Test
    void aHandlerInstalledAfterTheAgentsStaysAndOursPassesStraightOn() {
        start(60_000);
        Recorder later = new Recorder();
        SignalHandler[] behind = new SignalHandler[1];
        behind[0] = Signal.handle(TERM, sig -> {
            later.handle(sig);
            behind[0].handle(sig); // a well-behaved host handler chains to the one it replaced: the agent's
        });
        watch.close();
        SignalHandler installed = Signal.handle(TERM, previous);
        assertFalse(installed == previous, "stop left the later handler installed");
        Signal.handle(TERM, installed);
        Signal.raise(TERM);
        awaitHandedOn(1, Duration.ofSeconds(5));
        assertEquals(1, later.count());
        assertTrue(listener.calls().isEmpty(), "a stopped agent drains nothing: " + listener.calls());
    }

    @Test
    void aDefaultActionIsNotDrainedAndIsPutBack() {
        Signal.handle(TERM, SignalHandler.SIG_DFL);
        start(1_000);
        assertEquals("readiness ends with the JVM's shutdown", watch.describe(), "no drain");
        assertSame(SignalHandler.SIG_DFL, Signal.handle(TERM, previous), "SIG_DFL is back");
    }

    @Test
    void refusesWhatItCannotHandOnFaithfully() {
        assertTrue(Drain.refusal(SignalHandler.SIG_IGN).startsWith("SIGTERM is ignored"));
        assertTrue(Drain.refusal(SignalHandler.SIG_DFL).startsWith("SIGTERM has its default action"));
        assertTrue(Drain.refusal(null) != null);
        assertNull(Drain.refusal(previous));
        assertNull(Drain.refusal(original), "the JVM's own handler is handed on to");
    }

    @Test
    void aDrainOutOfBoundsIsNotInstalled() {
        start(Drain.MAX_NANOS / 1_000_000 + 1);
        assertEquals("readiness ends with the JVM's shutdown", watch.describe());
        assertSame(previous, Signal.handle(TERM, previous), "nothing was installed");
    }

    @Test
    void durationsReadAsTheOptionsAreWritten() {
        assertEquals("3s", Drain.duration(3_000_000_000L));
        assertEquals("500ms", Drain.duration(500_000_000L));
        assertEquals("2m", Drain.duration(120_000_000_000L));
        assertEquals("5m", Drain.duration(Drain.MAX_NANOS));
        assertEquals("1500ms", Drain.duration(1_500_000_000L));
    }

    @Test
    void theJvmsOwnHandlerIsNamedAsSuch() {
        assertEquals("the JVM's own handler (shutdown, exit code 143)", Drain.name(original));
    }
}
