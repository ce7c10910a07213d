package io.jvmhealth.agent.runtime;

import io.jvmhealth.agent.base.AgentInstrumentation;

import java.io.File;
import java.io.IOException;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * Tells whether this JVM was launched to run the command-line tool ({@code java -jar
 * jvm-health-agent.jar ...}). {@code premain} asks, because {@code JAVA_TOOL_OPTIONS=-javaagent:...}
 * in a pod's environment also applies to a {@code java} started by {@code kubectl exec}: without this
 * check the tool's own short-lived JVM would start an agent, take the port the operator is about to
 * give the real application, and log agent lines into the tool's output.
 *
 * <p>The tool is whatever the agent jar's manifest names as {@code Main-Class}: the agent never
 * names the tool's class (the tool depends on the agent, never the agent on the tool).
 *
 * <p>Reads only {@code sun.java.command} and, when that names the agent's main class or a jar with
 * the agent jar's file name, the manifests involved; never throws.
 */
public final class Launch {
    /** The agent's own packages: a main class outside them is never the tool, and no manifest is read. */
    private static final String AGENT_PACKAGE = "io.jvmhealth.agent.";

    private Launch() {
    }

    /** True when this JVM's main program is the command-line tool. */
    public static boolean isCommandLineTool() {
        try {
            String command = System.getProperty("sun.java.command");
            if (command == null || command.isEmpty()) {
                return false;
            }
            if (command.startsWith(AGENT_PACKAGE)) {
                String main = command.indexOf(' ') < 0 ? command : command.substring(0, command.indexOf(' '));
                File own = ownJar();
                return own != null && main.equals(mainClass(own));
            }
            if (command.indexOf(".jar") < 0) {
                return false; // a main class, not a jar: only the class name above can be the tool (and no file is looked at)
            }
            File ownJar = ownJar();
            if (ownJar == null) {
                return false;
            }
            File own = ownJar.getCanonicalFile();
            // The launcher joins the jar path and the arguments with spaces; the path may contain spaces too.
            for (int end = command.indexOf(".jar"); end >= 0; end = command.indexOf(".jar", end + 1)) {
                int stop = end + 4;
                if (stop < command.length() && command.charAt(stop) != ' ') {
                    continue;
                }
                File launched = new File(command.substring(0, stop));
                if (!launched.isFile()) {
                    continue;
                }
                File canonical = launched.getCanonicalFile();
                return canonical.equals(own) || canonical.getName().equals(own.getName()) && mainClass(own).equals(mainClass(canonical));
            }
            return false;
        } catch (Throwable e) {
            return false;
        }
    }

    /** The agent's jar (as its entry point found it, else the jar this class was loaded from), or null when none. */
    public static File ownJar() {
        File given = AgentInstrumentation.jar();
        if (given != null) {
            return given; // the agent's classes load from the bootstrap loader's search: no code source
        }
        try {
            java.security.CodeSource source = Launch.class.getProtectionDomain().getCodeSource();
            if (source == null || source.getLocation() == null) {
                return null;
            }
            File file = new File(source.getLocation().toURI());
            return file.isFile() ? file : null;
        } catch (Exception | LinkageError e) {
            return null;
        }
    }

    /** The jar's {@code Main-Class}, or the empty string. */
    private static String mainClass(File jar) throws IOException {
        try (JarFile file = new JarFile(jar)) {
            Manifest manifest = file.getManifest();
            String main = manifest == null ? null : manifest.getMainAttributes().getValue("Main-Class");
            return main == null ? "" : main.trim();
        }
    }
}
