package io.jvmhealth.agent.it;

import io.jvmhealth.agent.testing.AgentCli;
import io.jvmhealth.agent.testing.Http;
import io.jvmhealth.agent.testing.Poll;
import io.jvmhealth.agent.testing.TargetJvm;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How long an operator waits: from starting {@code java -jar jvm-health-agent.jar attach PID} to the
 * first 200 from {@code /live}, on fresh JVMs (the first attach also starts their attach listener).
 * The tool's own JVM start-up is included. Prints every run and the median on stderr (the number
 * quoted in the README); fails only when it is absurdly slow.
 */
class AttachTimingIT {
    private static final int RUNS = 5;

    @Test
    void attachToFirst200() throws Exception {
        List<TargetJvm> targets = new ArrayList<>();
        try {
            for (int i = 0; i < RUNS; i++) {
                targets.add(TargetJvm.builder().start());
            }
            List<Long> millis = new ArrayList<>();
            for (TargetJvm target : targets) {
                Poll.until("the target to start", Duration.ofSeconds(30), target::stdoutLines, l -> l.contains("sample-target started"));
                long start = System.nanoTime();
                AgentCli.Result r = AgentCli.run("attach", Long.toString(target.pid()), "port=0");
                assertEquals(0, r.exitCode, r.toString());
                Poll.until("/live 200", Duration.ofSeconds(10), () -> Http.get(r.line(), "/live").status, s -> s == 200);
                millis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
                target.close();
            }
            List<Long> sorted = new ArrayList<>(millis);
            Collections.sort(sorted);
            long median = sorted.get(RUNS / 2);
            System.err.println("attach to first 200 on /live, ms per run: " + millis + "; median " + median + " ms");
            assertTrue(median < 15_000, "median " + median + " ms");
        } finally {
            targets.forEach(TargetJvm::close);
        }
    }
}
