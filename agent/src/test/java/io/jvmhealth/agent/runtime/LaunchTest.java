package io.jvmhealth.agent.runtime;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Which launches count as the tool's own JVM (where premain must not start an agent). The tool is the agent jar's
 * Main-Class: the jar and class-name cases are in AttachErrorsIT (here the classes come from a directory).
 */
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
    void anyOtherProgramIsAHost() {
        for (String command : new String[] {"org.example.Main", "/opt/app.jar serve", "io.jvmhealth.agent.cli.CliX", "io.jvmhealth.agent.cli.Cli attach 42 (no agent jar: classes)", "", "x.jar"}) {
            System.setProperty("sun.java.command", command);
            assertFalse(Launch.isCommandLineTool(), command);
        }
        System.clearProperty("sun.java.command");
        assertFalse(Launch.isCommandLineTool());
    }
}
