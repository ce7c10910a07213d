package io.jvmhealth.agent.cli;

import io.jvmhealth.agent.config.Options;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The tool's pure parts: argument checks, option validation before any attach, error wording. */
class CliTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Cli.run(args, new PrintStream(out, true), new PrintStream(err, true));
    }

    private String err() {
        return new String(err.toByteArray(), StandardCharsets.UTF_8);
    }

    @Test
    void badOptionsFailWithExit2BeforeThePidIsEvenLookedAt() {
        assertEquals(2, run("attach", "1", "port=99999"));
        assertEquals("", new String(out.toByteArray(), StandardCharsets.UTF_8));
        String line = err();
        assertTrue(line.startsWith("jvm-health: bad options, nothing was loaded: option 'port'"), line);
        assertEquals(1, line.split("\\R").length, line);
    }

    @Test
    void optionsGivenAsSeveralWordsAreJoinedWithCommas() {
        assertEquals(2, run("attach", "1", "port=0", "interval=soon"));
        assertTrue(err().contains("'interval'"), err());
    }

    @Test
    void pidMustBeAPositiveNumber() throws Exception {
        assertEquals(7L, TargetProcess.parsePid("7"));
        assertThrows(CliFailure.class, () -> TargetProcess.parsePid("0"));
        assertThrows(CliFailure.class, () -> TargetProcess.parsePid("-3"));
        CliFailure f = assertThrows(CliFailure.class, () -> TargetProcess.parsePid("java"));
        assertEquals(Cli.USAGE, f.exitCode);
    }

    @Test
    void usageNamesEveryCommandAndEveryOptionKey() {
        assertEquals(0, run("--help"));
        String usage = new String(out.toByteArray(), StandardCharsets.UTF_8);
        for (String word : new String[] {"list", "attach PID [OPTIONS]", "status PID", "stop PID", "Exit codes"}) {
            assertTrue(usage.contains(word), word);
        }
        for (String key : io.jvmhealth.agent.runtime.Catalog.options().keys()) {
            assertTrue(usage.contains(key), key);
        }
    }

    @Test
    void mainClassIsTheFirstWordOfTheCommand() {
        assertEquals("/opt/app.jar", Cli.mainClass("/opt/app.jar --port 1"));
        assertEquals("org.example.Main", Cli.mainClass("org.example.Main"));
        assertEquals("-", Cli.mainClass(""));
        assertEquals("-", Cli.mainClass(null));
    }

    @Test
    void attachApiFailuresBecomeOneLineNamingThePid() {
        CliFailure disabled = AttachApi.translate("pid 5", new AttachNotSupportedException("The VM does not support the attach mechanism"));
        assertEquals(Cli.FAILED, disabled.exitCode);
        assertTrue(disabled.getMessage().startsWith("pid 5 refuses attach") && disabled.getMessage().contains("DisableAttachMechanism"),
                disabled.getMessage());
        CliFailure dynamic = AttachApi.translate("pid 5", new AgentLoadException("Failed to load agent library: Dynamic agent loading is not enabled."));
        assertEquals(Cli.AGENT_FAILED, dynamic.exitCode);
        assertTrue(dynamic.getMessage().contains("-javaagent"), dynamic.getMessage());
        CliFailure io = AttachApi.translate("pid 5", new IOException("Connection refused\nsecond line"));
        assertEquals("attaching to pid 5 failed: java.io.IOException: Connection refused second line", io.getMessage());
        CliFailure denied = AttachApi.translate("pid 5", new IOException("Operation not permitted"));
        assertTrue(denied.getMessage().endsWith("(run the command as the user that runs the JVM)"), denied.getMessage());
    }

    @Test
    void causeUnwrapsReflectionAndByteBuddyWrappers() {
        IOException root = new IOException("x");
        Throwable wrapped = new IllegalStateException("Error during attachment using: provider",
                new java.lang.reflect.InvocationTargetException(root));
        assertEquals(root, AttachApi.cause(new ExecutionException(wrapped)));
    }

    /** Same simple names as the JDK's attach exceptions, which {@link AttachApi} matches by name. */
    static final class AttachNotSupportedException extends Exception {
        AttachNotSupportedException(String message) {
            super(message);
        }
    }

    static final class AgentLoadException extends Exception {
        AgentLoadException(String message) {
            super(message);
        }
    }
}
