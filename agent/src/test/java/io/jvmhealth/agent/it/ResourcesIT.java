package io.jvmhealth.agent.it;

import io.jvmhealth.agent.testing.Http;
import io.jvmhealth.agent.testing.Json;
import io.jvmhealth.agent.testing.Poll;
import io.jvmhealth.agent.testing.TargetJvm;
import io.jvmhealth.agent.testing.TestCgroup;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The resource checks in real cgroups and real limits: a JVM started inside a memory cgroup grows
 * off-heap (direct buffers) until {@code memory} turns degraded, then unhealthy, while {@code heap}
 * stays healthy; a JVM in a cpu cgroup with a quota and busy threads turns {@code cpu} degraded (and
 * only degraded, by default); a JVM with {@code ulimit -n 128} opening descriptors turns
 * {@code fds}. Cgroup tests need root and a writable cgroup, and skip with the reason otherwise.
 */
class ResourcesIT {
    private static final long MIB = 1024 * 1024;

    private static TestCgroup require(TestCgroup cg, StringBuilder whyNot) {
        if (cg == null) {
            System.err.println("ResourcesIT skipped: " + whyNot);
        }
        Assumptions.assumeTrue(cg != null, whyNot.toString());
        return cg;
    }

    private static Map<String, Object> check(String url, String name) throws Exception {
        @SuppressWarnings("unchecked")
        Map<String, Object> c = (Map<String, Object>) Json.at(Http.get(url, "/health").json(), "checks", name);
        return c;
    }

    private static Map<String, Object> until(String url, String name, String status, Duration timeout) {
        return Poll.until("'" + name + "' " + status, timeout, () -> check(url, name), c -> status.equals(c.get("status")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.jvmhealth.agent.it.Java#both")
    void offHeapGrowthNearTheMemoryLimitTurnsMemoryWhileHeapStaysHealthy(Java java) throws Exception {
        StringBuilder whyNot = new StringBuilder();
        long limit = 400 * MIB;
        try (TestCgroup cg = require(TestCgroup.memory(whyNot), whyNot)) {
            cg.limitMemory(limit);
            try (TargetJvm target = TargetJvm.builder().java(java.launcher()).prefix(cg.prefix()).env("CGROUP_PROCS_FILES", cg.env())
                    .jvmArgs("-Xmx64m", "-XX:MaxDirectMemorySize=1g")
                    .agent("port=0,interval=500ms,memory.degraded=0.5,memory.unhealthy=0.8").commands("work").start()) {
                String url = target.agentUrl(Duration.ofSeconds(30));
                assertTrue(cg.contains(target.pid()), "the JVM runs in the test cgroup");
                Map<String, Object> memory = until(url, "memory", "healthy", Duration.ofSeconds(10));
                Map<?, ?> details = (Map<?, ?>) memory.get("details");
                assertEquals(limit, ((Number) details.get("limitBytes")).longValue(), details.toString());
                assertEquals(cg.version().toString(), ((Map<?, ?>) details.get("source")).get("cgroup"));
                long baseline = ((Number) details.get("workingSetBytes")).longValue();
                long toDegraded = (long) (0.65 * limit - baseline) / MIB;
                assertTrue(toDegraded > 20, "baseline working set " + baseline / MIB + " MiB leaves room for the test");

                target.run("direct " + toDegraded, Duration.ofSeconds(30));
                // an evaluation may have run during the allocation: wait for one after it
                Map<String, Object> degraded = Poll.until("'memory' degraded with every buffer counted", Duration.ofSeconds(10),
                        () -> check(url, "memory"), c -> "degraded".equals(c.get("status")) && directBytes(c) >= toDegraded * MIB);
                String reason = (String) degraded.get("reason");
                assertTrue(reason.startsWith("container working set is ") && reason.contains("(degraded at 50%)") && reason.contains("of 400 MiB"), reason);
                Map<?, ?> direct = (Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) degraded.get("details")).get("bufferPools")).get("direct");
                assertTrue(((Number) direct.get("usedBytes")).longValue() >= toDegraded * MIB, "where it went: " + direct);
                assertEquals("healthy", check(url, "heap").get("status"), "the heap check cannot see it");
                assertEquals(200, Http.get(url, "/ready").status, "degraded is still ready");

                long toUnhealthy = (long) (0.88 * limit) / MIB - toDegraded - baseline / MIB;
                target.run("direct " + toUnhealthy, Duration.ofSeconds(30));
                Map<String, Object> unhealthy = until(url, "memory", "unhealthy", Duration.ofSeconds(10));
                assertTrue(((String) unhealthy.get("reason")).contains("(unhealthy at 80%)"), unhealthy.toString());
                assertEquals("healthy", check(url, "heap").get("status"));
                assertEquals(503, Http.get(url, "/ready").status, "near the limit: not ready");
                System.out.println("[ResourcesIT] " + java + " memory (cgroup " + cg.version() + ", limit 400 MiB, -Xmx64m): baseline working set "
                        + baseline / MIB + " MiB; +" + toDegraded + " MiB direct: " + degraded.get("reason") + "; +" + toUnhealthy
                        + " MiB more: " + unhealthy.get("reason") + "; heap " + check(url, "heap").get("status"));
                assertEquals(200, Http.get(url, "/live").status, "memory never fails liveness");

                target.run("direct-free", Duration.ofSeconds(30));
                until(url, "memory", "healthy", Duration.ofSeconds(20));
                assertEquals(200, Http.get(url, "/ready").status);
            }
        }
    }

    private static long directBytes(Map<String, Object> memoryCheck) {
        Map<?, ?> direct = (Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) memoryCheck.get("details")).get("bufferPools")).get("direct");
        return ((Number) direct.get("usedBytes")).longValue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.jvmhealth.agent.it.Java#both")
    void aCpuQuotaWithBusyThreadsTurnsCpuDegradedOnly(Java java) throws Exception {
        StringBuilder whyNot = new StringBuilder();
        try (TestCgroup cg = require(TestCgroup.cpu(whyNot), whyNot)) {
            cg.limitCpu(50_000, 100_000);
            try (TargetJvm target = TargetJvm.builder().java(java.launcher()).prefix(cg.prefix()).env("CGROUP_PROCS_FILES", cg.env())
                    .agent("port=0,interval=500ms,cpu.window=4s").commands("work").start()) {
                String url = target.agentUrl(Duration.ofSeconds(60));
                assertTrue(cg.contains(target.pid()), "the JVM runs in the test cgroup");
                Map<String, Object> cpu = Poll.until("'cpu' measured", Duration.ofSeconds(20), () -> check(url, "cpu"),
                        c -> ((Map<?, ?>) c.get("details")).containsKey("throttledFraction"));
                assertEquals(0.5, ((Map<?, ?>) cpu.get("details")).get("quotaCores"), cpu.toString());

                target.run("spin 2", Duration.ofSeconds(10));
                Map<String, Object> degraded = until(url, "cpu", "degraded", Duration.ofSeconds(20));
                Map<?, ?> details = (Map<?, ?>) degraded.get("details");
                assertTrue(((Number) details.get("throttledFraction")).doubleValue() >= 0.25, details.toString());
                assertTrue(((String) degraded.get("reason")).startsWith("CPU throttled in "), degraded.toString());
                assertTrue(((Number) details.get("processCores")).doubleValue() <= 0.6, "the quota holds: " + details);
                assertEquals(200, Http.get(url, "/ready").status, "throttled is degraded only, by default: still ready");
                System.out.println("[ResourcesIT] " + java + " cpu (cgroup " + cg.version() + ", quota 0.5 cores, 2 spinning threads): " + degraded.get("reason")
                        + "; details " + details);

                target.run("spin-stop", Duration.ofSeconds(10));
                until(url, "cpu", "healthy", Duration.ofSeconds(20));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.jvmhealth.agent.it.Java#both")
    void openingDescriptorsUnderALowUlimitTurnsFds(Java java) throws Exception {
        try (TargetJvm target = TargetJvm.builder().java(java.launcher()).prefix("bash", "-c", "ulimit -n 128; exec \"$@\"", "bash")
                .agent("port=0,interval=500ms").commands("work").start()) {
            String url = target.agentUrl(Duration.ofSeconds(20));
            Map<String, Object> fds = until(url, "fds", "healthy", Duration.ofSeconds(10));
            Map<?, ?> details = (Map<?, ?>) fds.get("details");
            assertEquals(128L, ((Number) details.get("max")).longValue(), details.toString());
            long open = ((Number) details.get("open")).longValue();
            long toDegraded = (long) (0.87 * 128) - open;
            assertTrue(toDegraded > 0, details.toString());
            target.run("fds " + toDegraded, Duration.ofSeconds(10));
            Map<String, Object> degraded = until(url, "fds", "degraded", Duration.ofSeconds(10));
            assertTrue(((String) degraded.get("reason")).contains(" of 128 file descriptors open"), degraded.toString());
            long now = ((Number) ((Map<?, ?>) degraded.get("details")).get("open")).longValue();
            target.run("fds " + ((long) (0.97 * 128) - now), Duration.ofSeconds(10));
            Map<String, Object> unhealthy = until(url, "fds", "unhealthy", Duration.ofSeconds(10));
            System.out.println("[ResourcesIT] " + java + " fds (ulimit -n 128): baseline " + open + " open; " + degraded.get("reason") + "; then " + unhealthy.get("reason"));
            assertEquals(503, Http.get(url, "/ready").status);
            assertEquals(200, Http.get(url, "/live").status);
            target.run("fds-free", Duration.ofSeconds(10));
            until(url, "fds", "healthy", Duration.ofSeconds(10));
        }
    }
}
