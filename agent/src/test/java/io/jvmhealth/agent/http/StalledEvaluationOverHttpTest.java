package io.jvmhealth.agent.http;

import io.jvmhealth.agent.config.Details;
import io.jvmhealth.agent.health.CheckResult;
import io.jvmhealth.agent.health.Evaluator;
import io.jvmhealth.agent.health.HealthCheck;
import io.jvmhealth.agent.testing.Http;
import io.jvmhealth.agent.testing.Poll;
import io.jvmhealth.agent.testing.StubCheck;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Collections;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A check that blocks stalls the evaluation: the server, still answering, says so on /live with 503 until it completes again. */
class StalledEvaluationOverHttpTest {

    @Test
    void liveAnswers503StalledWhileAnEvaluationBlocks() throws Exception {
        StubCheck check = StubCheck.liveness("deadlock");
        Evaluator evaluator = new Evaluator(Collections.singletonList(check), 100);
        HealthServer server = HealthServer.serve(ListeningSocket.bind("127.0.0.1", 0), evaluator, Details.ALWAYS, null);
        evaluator.start();
        String url = "http://127.0.0.1:" + server.port() + "/";
        try {
            Poll.until("/live 200", Duration.ofSeconds(5), () -> Http.get(url, "/live"), r -> r.status == 200 && r.body.contains("timestamp"));
            check.block();
            Http.Response stalled = Poll.until("/live 503 stalled (3 intervals, at least 5 s)", Duration.ofSeconds(15), () -> Http.get(url, "/live"), r -> r.status == 503);
            assertTrue(stalled.body.contains("\"status\":\"unhealthy\"") && stalled.body.contains("stalled"), stalled.body);
            assertEquals(503, Http.get(url, "/ready").status);
            assertEquals(200, Http.get(url, "/started").status);
            check.release();
            Poll.until("/live 200 again", Duration.ofSeconds(5), () -> Http.get(url, "/live"), r -> r.status == 200);
        } finally {
            check.release();
            evaluator.stop();
            server.stop();
        }
    }
}
