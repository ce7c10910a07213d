package io.jvmhealth.agent.it;

import io.jvmhealth.agent.testing.AgentCli;
import io.jvmhealth.agent.testing.Artifacts;
import io.jvmhealth.agent.testing.Hosts;
import io.jvmhealth.agent.testing.Http;
import io.jvmhealth.agent.testing.Jdks;
import io.jvmhealth.agent.testing.Poll;
import io.jvmhealth.agent.testing.TargetJvm;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * JDK 17 tool to JDK 25 target and back, and what JEP 451 (Java 21+) does with an agent loaded into a
 * running JVM: a warning on the target's stderr by default, silence with
 * {@code -XX:+EnableDynamicAgentLoading}, a refusal with {@code -XX:-EnableDynamicAgentLoading}.
 */
class AttachAcrossJdksIT {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String JEP_451_WARNING = "WARNING: A Java agent has been loaded dynamically (" + Artifacts.agentJar() + ")";

    @Test
    void jdk17ToolAttachesToJdk25TargetWhichWarnsOnItsStderr() throws Exception {
        Path java25 = Jdks.requireJava25();
        try (TargetJvm target = Hosts.startHostWithoutAgent(TargetJvm.builder().java(java25))) {
            String pid = Long.toString(target.pid());
            AgentCli.Result r = AgentCli.run("attach", pid, "port=0,interval=200ms");
            assertEquals(0, r.exitCode, r.toString());
            String url = r.line();
            assertEquals(1, r.stderr.size(), r.toString());
            assertTrue(r.stderr.get(0).contains("runs Java 25") && r.stderr.get(0).contains("-XX:+EnableDynamicAgentLoading"), r.toString());
            assertEquals(200, Http.get(url, "/live").status);
            Poll.until("/health 200 with checks", WAIT, () -> Http.get(url, "/health"),
                    h -> h.status == 200 && h.body.contains("\"threads\""));
            assertTrue(target.stderrLines().contains(JEP_451_WARNING), target.toString());
            AgentCli.Result stop = AgentCli.run("stop", pid);
            assertEquals(0, stop.exitCode, stop.toString());
            assertEquals(Arrays.asList("sample-target started"), target.stdoutLines(), "the warning goes to stderr, not stdout");
        }
    }

    @Test
    void jdk25TargetWithEnableDynamicAgentLoadingLoadsTheAgentSilently() throws Exception {
        Path java25 = Jdks.requireJava25();
        try (TargetJvm target = Hosts.startHostWithoutAgent(TargetJvm.builder().java(java25).jvmArgs("-XX:+EnableDynamicAgentLoading"))) {
            AgentCli.Result r = AgentCli.run("attach", Long.toString(target.pid()), "port=0");
            assertEquals(0, r.exitCode, r.toString());
            assertEquals(Arrays.asList(), r.stderr, "nothing to note: " + r);
            assertEquals(200, Http.get(r.line(), "/live").status);
            assertFalse(target.stderrLines().stream().anyMatch(l -> l.startsWith("WARNING")), target.toString());
            assertEquals(Arrays.asList("sample-target started"), target.stdoutLines());
        }
    }

    @Test
    void jdk25TargetThatForbidsDynamicAgentsIsAOneLineRefusal() throws Exception {
        Path java25 = Jdks.requireJava25();
        try (TargetJvm target = Hosts.startHostWithoutAgent(TargetJvm.builder().java(java25).jvmArgs("-XX:-EnableDynamicAgentLoading"))) {
            AgentCli.Result r = AgentCli.run("attach", Long.toString(target.pid()), "port=0");
            AttachErrorsIT.assertOneLineFailure(r, 4, "does not allow agents to be loaded into it while it runs");
            assertTrue(r.stderr.get(0).contains("-javaagent"), r.toString());
            assertFalse(target.stderrLines().stream().anyMatch(l -> l.contains("[jvm-health]")), target.toString());
        }
    }

    @Test
    void jdk25ToolAttachesToJdk17Target() throws Exception {
        Path java25 = Jdks.requireJava25();
        try (TargetJvm target = Hosts.startHostWithoutAgent(TargetJvm.builder())) {
            String pid = Long.toString(target.pid());
            AgentCli tool = AgentCli.tool().java(java25);
            AgentCli.Result r = tool.exec("attach", pid, "port=0");
            assertEquals(0, r.exitCode, r.toString());
            assertEquals(Arrays.asList(), r.stderr, r.toString());
            String url = r.line();
            assertEquals(200, Http.get(url, "/live").status);
            AgentCli.Result status = tool.exec("status", pid);
            assertEquals(url, status.line(), status.toString());
            AgentCli.Result list = tool.exec("list");
            assertTrue(AttachIT.lineFor(list, pid).trim().endsWith(" " + url), list.toString());
            AgentCli.Result stop = tool.exec("stop", pid);
            assertEquals("stopped " + url, stop.line(), stop.toString());
            assertEquals(3, tool.exec("status", pid).exitCode);
            assertEquals(Arrays.asList("sample-target started"), target.stdoutLines());
        }
    }

}
