package io.jvmhealth.agent.it;

import io.jvmhealth.agent.testing.Http;
import io.jvmhealth.agent.testing.Jdks;
import io.jvmhealth.agent.testing.Json;
import io.jvmhealth.agent.testing.Poll;
import io.jvmhealth.agent.testing.TargetJvm;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The built-in checks take their MXBeans from java.management's helper (PlatformBeans), exported by
 * the agent to a class loader of its own: the checks see the same beans, the platform-provider
 * machinery is never started, and the host gains no access to the JDK's internals.
 */
class PlatformBeansIT {
    private static final Duration START = Duration.ofSeconds(20);

    @Test
    void checksReadTheHelpersBeansAndTheHostGainsNoAccessOnJdk17() throws Exception {
        checksReadTheHelpersBeansAndTheHostGainsNoAccess(Jdks.current());
    }

    @Test
    void checksReadTheHelpersBeansAndTheHostGainsNoAccessOnJdk25() throws Exception {
        checksReadTheHelpersBeansAndTheHostGainsNoAccess(Jdks.requireJava25());
    }

    @SuppressWarnings("unchecked")
    private static void checksReadTheHelpersBeansAndTheHostGainsNoAccess(Path java) throws Exception {
        String without;
        try (TargetJvm plain = TargetJvm.builder().java(java).commands("internal-access").start()) {
            without = plain.awaitStdoutLine("internal-access ", START);
        }
        assertTrue(without.startsWith("internal-access refused "), without);

        Path log = Files.createTempFile("platform-beans-classload", ".log");
        try {
            try (TargetJvm target = TargetJvm.builder().java(java).jvmArgs("-Xlog:class+load=info:file=" + log)
                    .agent("port=0,interval=200ms").start()) {
                String url = target.agentUrl(START);
                Http.Response health = Poll.until("heap and gc judged", START, () -> Http.get(url, "/health"),
                        r -> r.status == 200 && r.body.contains("\"pauseCollectors\""));
                Map<String, Object> json = health.json();
                assertEquals("healthy", Json.at(json, "checks", "heap", "status"), health.body);
                assertFalse(((List<Object>) Json.at(json, "checks", "heap", "details", "pools")).isEmpty(), health.body);
                assertFalse(((List<Object>) Json.at(json, "checks", "gc", "details", "pauseCollectors")).isEmpty(), health.body);
                assertEquals("healthy", Json.at(json, "checks", "memory", "status"), health.body);

                // A collection the gc check sees through the collectors' notifications (native, libmanagement_ext).
                target.run("leak 0.05", START);
                target.run("free", START);
                Poll.until("the collection counted by the gc check", START, () -> Http.get(url, "/health"),
                        r -> r.status == 200 && ((Number) Json.at(r.json(), "checks", "gc", "details", "pausedMillis")).longValue() > 0);

                target.run("internal-access", START);
                String with = target.awaitStdoutLine("internal-access ", START);
                assertEquals(without, with, "the agent's export must not reach the application's class path");
            }
            List<String> loaded = Files.readAllLines(log);
            assertTrue(loaded.stream().anyMatch(l -> l.contains("io.jvmhealth.agent.health.checks.platform.HelperCall source: __JVM_DefineClass__")),
                    "the helper call is defined in the agent's own loader, not read from the class path");
            assertFalse(loaded.stream().anyMatch(l -> l.contains("java.lang.management.ManagementFactory$PlatformMBeanFinder")),
                    "ManagementFactory's provider lookup never ran");
            System.err.println("MEASURED platform beans (" + java + "): beans through the helper, host access unchanged: " + without);
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
