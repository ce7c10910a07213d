package io.jvmhealth.agent;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which launches count as the tool's own JVM (where premain must not start an agent). The jar case is in AttachErrorsIT. */
class LaunchTest {
    private final String saved = System.getProperty("sun.java.command");

    @AfterEach
    void restore() {
        if (saved == null) {
            System.clearProperty("sun.java.command");
        } else {
            System.setProperty("sun.java.command", saved);
        }
    }

    @Test
    void theCliClassOnTheClassPathIsTheTool() {
        System.setProperty("sun.java.command", "io.jvmhealth.agent.cli.Cli attach 42");
        assertTrue(Launch.isCommandLineTool());
    }

    @Test
    void anyOtherProgramIsAHost() {
        for (String command : new String[] {"org.example.Main", "/opt/app.jar serve", "io.jvmhealth.agent.cli.CliX", "", "x.jar"}) {
            System.setProperty("sun.java.command", command);
            assertFalse(Launch.isCommandLineTool(), command);
        }
        System.clearProperty("sun.java.command");
        assertFalse(Launch.isCommandLineTool());
    }
}
