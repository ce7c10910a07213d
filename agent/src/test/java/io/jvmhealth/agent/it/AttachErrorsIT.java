package io.jvmhealth.agent.it;

import io.jvmhealth.agent.testing.AgentCli;
import io.jvmhealth.agent.testing.Hosts;
import io.jvmhealth.agent.testing.Http;
import io.jvmhealth.agent.testing.Privileges;
import io.jvmhealth.agent.testing.TargetJvm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every failure of the tool is one line on stderr starting {@code jvm-health: }, a non-zero exit,
 * nothing on stdout and no stack trace; and none of them touches the target.
 */
class AttachErrorsIT {
    private static TargetJvm target;
    private static String pid;

    @BeforeAll
    static void startHostWithoutAgent() throws Exception {
        target = Hosts.startHostWithoutAgent(TargetJvm.builder());
        pid = Long.toString(target.pid());
    }

    @AfterAll
    static void stopHost() {
        if (target != null) {
            target.close();
        }
    }

    @Test
    void noSuchPid() throws Exception {
        AgentCli.Result r = AgentCli.run("attach", Integer.toString(Integer.MAX_VALUE));
        assertOneLineFailure(r, 1, "no process with pid " + Integer.MAX_VALUE);
        assertOneLineFailure(AgentCli.run("status", Integer.toString(Integer.MAX_VALUE)), 1, "no process with pid");
        assertOneLineFailure(AgentCli.run("stop", Integer.toString(Integer.MAX_VALUE)), 1, "no process with pid");
    }

    @Test
    void aThreadIdIsNotTakenForAProcess() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(Paths.get("/proc/self/task")), "needs /proc");
        String tid;
        try (java.util.stream.Stream<Path> tasks = Files.list(Paths.get("/proc", pid, "task"))) {
            tid = tasks.map(p -> p.getFileName().toString()).filter(t -> !t.equals(pid)).findFirst().orElseThrow(AssertionError::new);
        }
        assertOneLineFailure(AgentCli.run("status", tid), 1, tid + " is a thread of process " + pid + ", not a process");
    }

    @Test
    void notAJvmIsRefusedAndNotSignalled() throws Exception {
        Process sleep = new ProcessBuilder("sleep", "60").start();
        try {
            AgentCli.Result r = AgentCli.run("attach", Long.toString(sleep.pid()));
            assertOneLineFailure(r, 1, "pid " + sleep.pid() + " is not a Java virtual machine (it runs sleep)");
            assertFalse(sleep.waitFor(300, TimeUnit.MILLISECONDS), "the process was not signalled (SIGQUIT would end it)");
        } finally {
            sleep.destroyForcibly();
        }
    }

    @Test
    void jvmWithAttachDisabledIsRefusedAndItsStdoutStaysClean() throws Exception {
        for (String[] flags : Arrays.asList(new String[] {"-XX:+DisableAttachMechanism"},
                new String[] {"-XX:+DisableAttachMechanism", "-XX:-UsePerfData"})) {
            try (TargetJvm closed = Hosts.startHostWithoutAgent(TargetJvm.builder().jvmArgs(flags))) {
                AgentCli.Result r = AgentCli.run("attach", Long.toString(closed.pid()));
                assertOneLineFailure(r, 1, "refuses attach");
                assertTrue(r.stderr.get(0).contains("DisableAttachMechanism"), r.toString());
                assertEquals(Arrays.asList("sample-target started"), closed.stdoutLines(), "no thread dump on the host's stdout");
                assertTrue(closed.process().isAlive());
            }
        }
    }

    @Test
    void anotherUsersJvmIsRefused() throws Exception {
        Assumptions.assumeTrue(Privileges.isRoot() && Files.isExecutable(Paths.get("/usr/bin/setpriv")),
                "SKIPPED: needs root and setpriv to run the tool as user nobody");
        Path jar = io.jvmhealth.agent.testing.Artifacts.agentJar();
        Assumptions.assumeTrue(readableByOthers(jar), "SKIPPED: " + jar + " is not readable by user nobody");
        long before = agentLines();
        AgentCli.Result r = AgentCli.tool().prefix("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups")
                .jvmArgs("-XX:-UsePerfData").exec("attach", pid);
        assertOneLineFailure(r, 1, "runs as user root (uid 0)");
        assertTrue(r.stderr.get(0).contains("same user"), r.toString());
        assertEquals(before, agentLines(), "nothing was loaded: " + target);
    }

    @Test
    void missingAttachModuleInTheToolsJavaIsExplained() throws Exception {
        AgentCli.Result r = AgentCli.tool().jvmArgs("--limit-modules", "java.base,java.instrument,java.management")
                .exec("attach", pid);
        assertOneLineFailure(r, 1, "has no attach API (module jdk.attach)");
        assertOneLineFailure(AgentCli.tool().jvmArgs("--limit-modules", "java.base,java.instrument,java.management")
                .exec("list"), 1, "has no attach API");
    }

    @Test
    void badOptionsAreRefusedBeforeAnythingIsLoaded() throws Exception {
        long before = agentLines();
        assertOneLineFailure(AgentCli.run("attach", pid, "port=abc"), 2, "option 'port' has bad value 'abc'");
        assertOneLineFailure(AgentCli.run("attach", pid, "colour=blue"), 2, "unknown option 'colour'");
        assertOneLineFailure(AgentCli.run("attach", pid, "heap.degraded=2"), 2, "heap.degraded");
        assertOneLineFailure(AgentCli.run("attach", pid, "stop"), 2, "'stop' is not key=value");
        assertOneLineFailure(AgentCli.run("attach", "12ab"), 2, "'12ab' is not a process id");
        assertOneLineFailure(AgentCli.run("attach"), 2, "usage: attach PID [OPTIONS]");
        assertOneLineFailure(AgentCli.run("frobnicate"), 2, "unknown command 'frobnicate'");
        assertEquals(before, agentLines(), "nothing was loaded: " + target);
    }

    @Test
    void helpPrintsUsageOnStdout() throws Exception {
        AgentCli.Result r = AgentCli.run("--help");
        assertEquals(0, r.exitCode, r.toString());
        assertTrue(r.stdout.get(0).startsWith("Usage: java -jar jvm-health-agent.jar"), r.toString());
        assertTrue(r.stdout.stream().anyMatch(l -> l.contains("attach PID [OPTIONS]")), r.toString());
        assertEquals(Arrays.asList(), r.stderr);
        AgentCli.Result none = AgentCli.run();
        assertEquals(2, none.exitCode, none.toString());
        assertEquals(Arrays.asList(), none.stdout);
    }

    /** Port taken: the agent fails inside the target; the tool reports the target's own reason, then a good attach works. */
    @Test
    void agentFailingInsideTheTargetIsReportedWithItsReason() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 0));
            int port = taken.getLocalPort();
            AgentCli.Result r = AgentCli.run("attach", pid, "port=" + port);
            assertOneLineFailure(r, 4, "the agent did not start in pid " + pid + ": cannot listen: port " + port);
            assertTrue(r.stderr.get(0).contains("in use"), r.toString());
            AgentCli.Result status = AgentCli.run("status", pid);
            assertOneLineFailure(status, 3, "its last start failed: cannot listen: port " + port);
        }
        AgentCli.Result ok = AgentCli.run("attach", pid, "port=0");
        assertEquals(0, ok.exitCode, ok.toString());
        assertEquals(200, Http.get(ok.line(), "/live").status);
        AgentCli.Result stop = AgentCli.run("stop", pid);
        assertEquals(0, stop.exitCode, stop.toString());
        assertEquals(Arrays.asList("sample-target started"), target.stdoutLines());
    }

    /**
     * JAVA_TOOL_OPTIONS with the agent (the Kubernetes way) also reaches the tool's own JVM. Without care
     * the tool's JVM would take the agent port itself and the target's agent would fail on it.
     */
    @Test
    void javaToolOptionsDoNotStartAnAgentInTheToolsOwnJvm() throws Exception {
        int port = io.jvmhealth.agent.testing.FreePort.find();
        String toolOptions = "-javaagent:" + io.jvmhealth.agent.testing.Artifacts.agentJar() + "=port=" + port;
        AgentCli.Result help = AgentCli.tool().env("JAVA_TOOL_OPTIONS", toolOptions).exec("--help");
        assertEquals(0, help.exitCode, help.toString());
        assertFalse(help.stderr.stream().anyMatch(l -> l.contains("[jvm-health]")), "no agent in the tool: " + help);
        assertFalse(help.stdout.stream().anyMatch(l -> l.contains("[jvm-health]")), help.toString());
        try (TargetJvm other = Hosts.startHostWithoutAgent(TargetJvm.builder())) {
            AgentCli.Result r = AgentCli.tool().env("JAVA_TOOL_OPTIONS", toolOptions)
                    .exec("attach", Long.toString(other.pid()), "port=" + port);
            assertEquals(0, r.exitCode, r.toString());
            assertEquals("http://127.0.0.1:" + port + "/", r.line());
            assertEquals(Arrays.asList("Picked up JAVA_TOOL_OPTIONS: " + toolOptions), r.stderr, "only the JVM's own notice");
        }
    }

    /** The tool started by its class name from the agent's jar on the class path is the tool too: no agent in it. */
    @Test
    void theToolByClassNameOnTheClassPathStartsNoAgent() throws Exception {
        int port = io.jvmhealth.agent.testing.FreePort.find();
        String jar = io.jvmhealth.agent.testing.Artifacts.agentJar().toString();
        ProcessBuilder pb = new ProcessBuilder(io.jvmhealth.agent.testing.Jdks.current().toString(), "-javaagent:" + jar + "=port=" + port, "-cp", jar,
                "io.jvmhealth.agent.cli.Cli", "--help").redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), out);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("attach"), out);
        assertFalse(out.contains("[jvm-health]"), "no agent in the tool: " + out);
    }

    /** The agent's lines in the target's stderr: unchanged when nothing was loaded. */
    private static long agentLines() {
        return target.stderrLines().stream().filter(l -> l.contains("[jvm-health]")).count();
    }

    private static boolean readableByOthers(Path jar) throws IOException {
        for (Path p = jar; p != null; p = p.getParent()) {
            String perms = java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
            if (perms.charAt(Files.isDirectory(p) ? 8 : 6) == '-' || perms.charAt(6) == '-') {
                return false;
            }
        }
        return true;
    }

    static void assertOneLineFailure(AgentCli.Result r, int exitCode, String contains) {
        assertEquals(exitCode, r.exitCode, r.toString());
        assertEquals(Arrays.asList(), r.stdout, "nothing on stdout: " + r);
        assertEquals(1, r.stderr.size(), "exactly one line: " + r);
        String line = r.stderr.get(0);
        assertTrue(line.startsWith("jvm-health: "), r.toString());
        assertTrue(line.contains(contains), "expected '" + contains + "' in: " + line);
        assertFalse(line.contains("\tat ") || line.contains("Exception in thread"), r.toString());
    }
}
