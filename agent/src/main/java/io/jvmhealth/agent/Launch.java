package io.jvmhealth.agent;

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
 * <p>It lives in the agent's root package, not in {@code cli}: the tool depends on the agent (the
 * property names it reads, the argument that stops it), never the agent on the tool.
 *
 * <p>Reads only {@code sun.java.command} and, when that names a jar other than this one with the same
 * file name, that jar's manifest; never throws.
 */
public final class Launch {
    static final String CLI_CLASS = "io.jvmhealth.agent.cli.Cli";

    private Launch() {
    }

    /** True when this JVM's main program is the command-line tool. */
    public static boolean isCommandLineTool() {
        try {
            String command = System.getProperty("sun.java.command");
            if (command == null || command.isEmpty()) {
                return false;
            }
            if (command.equals(CLI_CLASS) || command.startsWith(CLI_CLASS + " ")) {
                return true;
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
                return canonical.equals(own) || canonical.getName().equals(own.getName()) && mainClassIsCli(canonical);
            }
            return false;
        } catch (Throwable e) {
            return false;
        }
    }

    /** The jar this class was loaded from, or null when it was not loaded from a jar. */
    public static File ownJar() {
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

    private static boolean mainClassIsCli(File jar) throws IOException {
        try (JarFile file = new JarFile(jar)) {
            Manifest manifest = file.getManifest();
            return manifest != null && CLI_CLASS.equals(manifest.getMainAttributes().getValue("Main-Class"));
        }
    }
}
