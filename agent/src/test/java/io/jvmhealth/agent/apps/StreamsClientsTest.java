package io.jvmhealth.agent.apps;

import io.jvmhealth.agent.health.CheckResult;
import io.jvmhealth.agent.health.Publisher;
import io.jvmhealth.agent.health.Role;
import io.jvmhealth.agent.health.Status;
import org.apache.kafka.streams.KafkaStreams.State;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Kafka Streams gate and liveness check over stand-ins with Kafka's shape (org.apache.kafka.streams in the test
 * sources): a client is found through its stream thread, and its state read with state().
 */
class StreamsClientsTest {
    private final List<org.apache.kafka.streams.KafkaStreams> started = new ArrayList<>();
    private final AppContext context = new AppContext(null, null, false, null, null, new Publisher.Deferred());
    private final StreamsClients clients = new StreamsClients();
    private final StreamsGate gate = new StreamsGate(Recognizers.named("kafka-streams"), context, clients);
    private final StreamsLiveness liveness = new StreamsLiveness(clients);

    private org.apache.kafka.streams.KafkaStreams start(String id) {
        org.apache.kafka.streams.KafkaStreams k = new org.apache.kafka.streams.KafkaStreams(id);
        k.start();
        started.add(k);
        return k;
    }

    @AfterEach
    void stopThreads() throws InterruptedException {
        for (org.apache.kafka.streams.KafkaStreams k : started) {
            k.set(State.NOT_RUNNING);
        }
        for (org.apache.kafka.streams.KafkaStreams k : started) {
            k.awaitThreadEnd(); // the next test must not find this one's threads
        }
    }

    @Test
    void theClientIsFoundThroughItsStreamThreadAndItsIdFromTheThreadsName() {
        org.apache.kafka.streams.KafkaStreams k = start("app-1-0a1b");
        clients.discover();
        clients.readAll();
        assertEquals(1, clients.clients().size());
        assertEquals("app-1-0a1b", clients.clients().get(0).id);
        assertEquals("REBALANCING", clients.clients().get(0).state);
        assertNull(clients.problem());
        k.set(State.RUNNING);
        assertTrue(clients.readAll(), "a change is reported");
        assertFalse(clients.readAll(), "and only once");
        clients.discover();
        assertEquals(1, clients.clients().size(), "a thread is resolved once, a client kept once");
    }

    @Test
    void theGateWaitsForRunningThenJudgesWhetherAClientServes() {
        assertEquals(Role.STARTUP, gate.role());
        CheckResult r = gate.evaluate();
        assertEquals(Status.UNHEALTHY, r.status());
        assertTrue(r.reason().contains("no KafkaStreams client has started yet"), r.reason());
        org.apache.kafka.streams.KafkaStreams k = start("app-2");
        r = gate.evaluate();
        assertEquals(Status.UNHEALTHY, r.status());
        assertTrue(r.reason().contains("waiting for Kafka Streams to be RUNNING: client 'app-2' is REBALANCING"), r.reason());
        k.set(State.RUNNING);
        assertTrue(gate.passesNow());
        assertEquals(Status.HEALTHY, gate.evaluate().status());
        k.set(State.REBALANCING);
        assertTrue(gate.stillPassesNow(), "a rebalance after RUNNING is serving");
        k.set(State.PENDING_SHUTDOWN);
        assertFalse(gate.stillPassesNow());
        r = gate.evaluate();
        assertEquals(Status.UNHEALTHY, r.status());
        assertTrue(r.reason().startsWith("Kafka Streams stopped serving: client 'app-2' is PENDING_SHUTDOWN"), r.reason());
    }

    @Test
    void livenessFailsInErrorOnlyAndNeverInRebalancing() {
        assertEquals(Role.LIVENESS, liveness.role());
        assertEquals("app:kafka-streams-state", liveness.name());
        assertEquals(Status.HEALTHY, liveness.evaluate().status(), "no client yet");
        org.apache.kafka.streams.KafkaStreams k = start("app-3");
        for (State s : new State[] {State.REBALANCING, State.RUNNING, State.REBALANCING, State.PENDING_ERROR}) {
            k.set(s);
            assertEquals(Status.HEALTHY, liveness.evaluate().status(), s.name());
        }
        k.set(State.ERROR);
        CheckResult r = liveness.evaluate();
        assertEquals(Status.UNHEALTHY, r.status());
        assertTrue(r.reason().contains("'app-3' is in state ERROR"), r.reason());
        k.set(State.NOT_RUNNING);
        assertEquals(Status.UNHEALTHY, liveness.evaluate().status(), "closed after failing: still nothing runs");
    }

    @Test
    void aClosedClientIsNotALivenessFailure() {
        org.apache.kafka.streams.KafkaStreams k = start("app-4");
        k.set(State.RUNNING);
        liveness.evaluate();
        k.set(State.PENDING_SHUTDOWN);
        liveness.evaluate();
        k.set(State.NOT_RUNNING);
        assertEquals(Status.HEALTHY, liveness.evaluate().status());
    }

    @Test
    void aClientThatReplacesTheFailedOneKeepsTheJvmLive() {
        org.apache.kafka.streams.KafkaStreams failed = start("app-5a");
        failed.set(State.RUNNING);
        liveness.evaluate();
        failed.set(State.ERROR);
        assertEquals(Status.UNHEALTHY, liveness.evaluate().status());
        start("app-5b"); // REBALANCING
        assertEquals(Status.HEALTHY, liveness.evaluate().status());
    }

    @Test
    void threadNamesGiveTheClientId() {
        assertEquals("a-b-c", StreamsClients.clientId("a-b-c-StreamThread-12"));
        assertEquals("a", StreamsClients.clientId("a-GlobalStreamThread"));
        assertEquals("other", StreamsClients.clientId("other"));
    }
}
