package io.jvmhealth.agent.gates;

import io.jvmhealth.agent.config.Words;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

/**
 * Recognizes the frameworks {@code ready.auto} waits for, without loading any class of the
 * application: from the main class named by the JVM's command line (its class file bytes are read
 * as a resource and searched for the framework's entry class name; for {@code -jar}, the jar's
 * manifest), and from the classes already loaded (attach). Under Spring Boot only Spring's gate is
 * kept: Spring starts its embedded Tomcat or Jetty inside {@code SpringApplication.run}, which
 * returns only after the server listens and {@code ApplicationReadyEvent} is published. A Kafka
 * broker is recognized by its main class {@code kafka.Kafka} (the scripts' {@code kafka-server-start.sh})
 * or, at attach, by its loaded broker classes.
 */
final class Frameworks {
    enum Framework {
        /** Not a method gate: {@link SpringBootGate} watches the thread inside {@code run}. */
        SPRING_BOOT("spring-boot", "org.springframework.boot.SpringApplication", "run",
                "SpringApplication.run to return (Spring's ApplicationReadyEvent)", false),
        TOMCAT("tomcat", "org.apache.catalina.core.StandardService", "startInternal",
                "Tomcat's connectors to start and listen", true),
        JETTY("jetty", "org.eclipse.jetty.server.Server", "doStart",
                "Jetty's connectors to start and listen", true),
        /** Not a method gate: {@link KafkaBrokerGate} reads the broker's BrokerState gauge. */
        KAFKA_BROKER("kafka-broker", "kafka.Kafka", null, null, false);

        final String word;
        final String className;
        final String methodName;
        final String waitingFor;
        /** Whether its class, loading before the instrumentation is ready, waits for it (see {@link ClassWatch}). */
        final boolean holdLoading;

        Framework(String word, String className, String methodName, String waitingFor, boolean holdLoading) {
            this.holdLoading = holdLoading;
            this.word = word;
            this.className = className;
            this.methodName = methodName;
            this.waitingFor = waitingFor;
        }
    }

    private static final int MAX_CLASS_BYTES = 4 * 1024 * 1024;

    private Frameworks() {
    }

    /** The frameworks of this JVM, in gate order. */
    static List<Framework> recognize(Instrumentation instrumentation) {
        Set<Framework> found = EnumSet.noneOf(Framework.class);
        try {
            fromMainClass(System.getProperty("sun.java.command"), found);
        } catch (Throwable ignored) {
            // an unreadable main class: recognized by loaded classes only
        }
        if (instrumentation != null) {
            Framework[] frameworks = Framework.values();
            for (Class<?> c : instrumentation.getAllLoadedClasses()) {
                if (c.getClassLoader() == null) {
                    continue; // the JDK's own: never a framework; Class.getName would build and keep a name for each
                }
                String n = c.getName();
                for (Framework f : frameworks) {
                    if (f.className.equals(n)) {
                        found.add(f);
                    }
                }
                if (n.equals("kafka.server.KafkaServer") || n.equals("kafka.server.KafkaRaftServer") || n.equals("kafka.server.BrokerServer")) {
                    found.add(Framework.KAFKA_BROKER);
                }
            }
        }
        if (found.contains(Framework.SPRING_BOOT)) {
            found.remove(Framework.TOMCAT);
            found.remove(Framework.JETTY);
        }
        return Collections.unmodifiableList(new ArrayList<Framework>(found));
    }

    static void fromMainClass(String command, Set<Framework> found) throws IOException {
        if (command == null || command.trim().isEmpty()) {
            return;
        }
        String main = Words.first(command);
        if (main.endsWith(".jar") || main.endsWith(".war")) {
            try (JarFile jar = new JarFile(main)) {
                String mainClass = jar.getManifest() == null ? null : jar.getManifest().getMainAttributes().getValue("Main-Class");
                if (mainClass == null) {
                    return;
                }
                mainClass = mainClass.trim();
                if (mainClass.startsWith("org.springframework.boot.loader.")) {
                    found.add(Framework.SPRING_BOOT); // JarLauncher, WarLauncher, PropertiesLauncher
                    return;
                }
                if (byMainClassName(mainClass, found)) {
                    return;
                }
                ZipEntry entry = jar.getEntry(mainClass.replace('.', '/') + ".class");
                if (entry != null) {
                    try (InputStream in = jar.getInputStream(entry)) {
                        scan(read(in), found);
                    }
                }
            }
            return;
        }
        if (main.indexOf('/') >= 0) {
            main = main.substring(main.lastIndexOf('/') + 1); // -m module/class
        }
        if (byMainClassName(main, found)) {
            return;
        }
        ClassLoader system = ClassLoader.getSystemClassLoader();
        try (InputStream in = system.getResourceAsStream(main.replace('.', '/') + ".class")) {
            if (in != null) {
                scan(read(in), found);
            }
        }
    }

    private static boolean byMainClassName(String mainClass, Set<Framework> found) {
        if (mainClass.equals("org.apache.catalina.startup.Bootstrap") || mainClass.equals("org.apache.catalina.startup.Catalina")) {
            found.add(Framework.TOMCAT);
            return true;
        }
        if (mainClass.equals("kafka.Kafka")) {
            found.add(Framework.KAFKA_BROKER);
            return true;
        }
        // The distribution's start.jar, and the command line it runs: what --dry-run prints (Jetty's way to avoid a second
        // JVM, used by its container image) and the JVM --exec forks start with XmlConfiguration, which refers to no
        // Server class itself (it builds the server from etc/jetty*.xml).
        if (mainClass.equals("org.eclipse.jetty.start.Main") || mainClass.equals("org.eclipse.jetty.xml.XmlConfiguration")) {
            found.add(Framework.JETTY);
            return true;
        }
        return false;
    }

    /** Searches a class file for the internal names of the frameworks' entry classes. */
    static void scan(byte[] classFile, Set<Framework> found) {
        String text = new String(classFile, StandardCharsets.ISO_8859_1);
        if (text.contains("org/springframework/boot/SpringApplication")) {
            found.add(Framework.SPRING_BOOT);
        }
        if (text.contains("org/apache/catalina/startup/Tomcat")) {
            found.add(Framework.TOMCAT);
        }
        if (text.contains("org/eclipse/jetty/server/Server")) {
            found.add(Framework.JETTY);
        }
    }

    private static byte[] read(InputStream in) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(8192);
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) > 0 && out.size() < MAX_CLASS_BYTES) {
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }
}
