package io.jvmhealth.agent.http;

import io.jvmhealth.agent.config.Details;
import io.jvmhealth.agent.health.CheckResult;
import io.jvmhealth.agent.health.Evaluator;
import io.jvmhealth.agent.health.HealthCheck;
import io.jvmhealth.agent.testing.Http;
import io.jvmhealth.agent.testing.Poll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Collections;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A check that blocks stalls the evaluation: the server, still answering, says so on /live with 503 until it completes again. */
class StalledEvaluationOverHttpTest {

    @Test
    void liveAnswers503StalledWhileAnEvaluationBlocks() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean block = new AtomicBoolean();
        HealthCheck check = new HealthCheck() {
            @Override
            public String name() {
                return "deadlock";
            }

            @Override
            public CheckResult evaluate() {
                if (block.get()) {
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return CheckResult.healthy(null);
            }

            @Override
            public io.jvmhealth.agent.health.Role role() {
                return io.jvmhealth.agent.health.Role.LIVENESS;
            }
        };
        Evaluator evaluator = new Evaluator(Collections.singletonList(check), 100);
        HealthServer server = HealthServer.create(ListeningSocket.bind("127.0.0.1", 0), evaluator, Details.ALWAYS, null);
        evaluator.start(() -> {
            try {
                server.start();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        String url = "http://127.0.0.1:" + server.port() + "/";
        try {
            Poll.until("/live 200", Duration.ofSeconds(5), () -> Http.get(url, "/live"), r -> r.status == 200 && r.body.contains("timestamp"));
            block.set(true);
            Http.Response stalled = Poll.until("/live 503 stalled (3 intervals, at least 5 s)", Duration.ofSeconds(15), () -> Http.get(url, "/live"), r -> r.status == 503);
            assertTrue(stalled.body.contains("\"status\":\"unhealthy\"") && stalled.body.contains("stalled"), stalled.body);
            assertEquals(503, Http.get(url, "/ready").status);
            assertEquals(200, Http.get(url, "/started").status);
            release.countDown();
            block.set(false);
            Poll.until("/live 200 again", Duration.ofSeconds(5), () -> Http.get(url, "/live"), r -> r.status == 200);
        } finally {
            release.countDown();
            evaluator.stop();
            server.stop();
        }
    }
}
