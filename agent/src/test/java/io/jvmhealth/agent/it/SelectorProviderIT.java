package io.jvmhealth.agent.it;

import io.jvmhealth.agent.testing.Http;
import io.jvmhealth.agent.testing.Jdks;
import io.jvmhealth.agent.testing.TargetJvm;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The agent's sockets and selector come from a selector provider of its own (http/Transport): the JVM-wide one,
 * which {@code SelectorProvider.provider()} chooses once for good, is still the application's to choose after the
 * agent serves. Before, the agent's bind at JVM start made that choice (the default provider), and an application
 * that named its own provider in {@code main} got the default one.
 */
class SelectorProviderIT {
    private static final Duration START = Duration.ofSeconds(20);
    private static final String OWN = "selector-provider io.jvmhealth.sample.OwnSelectorProvider";

    @Test
    void theApplicationStillChoosesTheJvmsSelectorProviderOnJdk17() throws Exception {
        theApplicationStillChoosesTheJvmsSelectorProvider(Jdks.current());
    }

    @Test
    void theApplicationStillChoosesTheJvmsSelectorProviderOnJdk25() throws Exception {
        theApplicationStillChoosesTheJvmsSelectorProvider(Jdks.requireJava25());
    }

    private static void theApplicationStillChoosesTheJvmsSelectorProvider(Path java) throws Exception {
        try (TargetJvm plain = TargetJvm.builder().java(java).commands("selector-provider").start()) {
            assertEquals(OWN, plain.awaitStdoutLine("selector-provider ", START), "without an agent the application's provider is chosen");
        }
        try (TargetJvm target = TargetJvm.builder().java(java).agent("port=0").start()) {
            String url = target.agentUrl(START);
            assertEquals(200, Http.get(url, "/live").status);
            target.run("selector-provider", START);
            assertEquals(OWN, target.awaitStdoutLine("selector-provider ", START),
                    "the agent's sockets must not have chosen the JVM-wide provider");
            assertEquals(200, Http.get(url, "/live").status, "the agent serves on through its own provider");
        }
    }
}
