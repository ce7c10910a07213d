package io.jvmhealth.agent.apps;

import io.jvmhealth.agent.base.AgentResources;
import io.jvmhealth.agent.config.Words;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

/**
 * Decides which {@link Recognizer}s apply to this JVM from their {@link Signs}, without loading any
 * class of the application: the main class named by the JVM's command line (for {@code -jar}, the jar's
 * manifest): a recognizer naming it (or its launcher's prefix) applies and the class is not read; else
 * the main class file's bytes are searched for the classes the recognizers look for. Then, once, the
 * classes already loaded (the agent attached to a running JVM). Last, a recognizer covered by another
 * that applies is dropped. Reads one class file and one pass over the loaded classes, whatever the
 * number of recognizers.
 */
final class Recognition {
    private static final int MAX_CLASS_BYTES = 4 * 1024 * 1024;

    private Recognition() {
    }

    /** The recognizers of this JVM, in the order of {@code all}; only theirs are made (their classes loaded). */
    static List<Recognizer> recognize(List<Recognizers.Listed> all, String command, Instrumentation instrumentation) {
        Set<Recognizers.Listed> found = new LinkedHashSet<Recognizers.Listed>();
        try {
            fromMainClass(all, command, found);
        } catch (Throwable ignored) {
            // an unreadable main class: recognized by loaded classes only
        }
        if (instrumentation != null) {
            fromLoadedClasses(all, instrumentation.getAllLoadedClasses(), found);
        }
        return uncovered(all, found);
    }

    /** {@code found} in the order of {@code all}, less those another found recognizer covers. */
    static List<Recognizer> uncovered(List<Recognizers.Listed> all, Set<Recognizers.Listed> found) {
        Set<String> covered = new java.util.HashSet<String>();
        for (Recognizers.Listed l : found) {
            covered.addAll(l.recognizer().covers());
        }
        List<Recognizer> result = new ArrayList<Recognizer>();
        for (Recognizers.Listed l : all) {
            if (found.contains(l) && !covered.contains(l.name())) {
                result.add(l.recognizer());
            }
        }
        return Collections.unmodifiableList(result);
    }

    static void fromLoadedClasses(List<Recognizers.Listed> all, Class<?>[] loaded, Set<Recognizers.Listed> found) {
        Map<String, List<Recognizers.Listed>> byName = new HashMap<String, List<Recognizers.Listed>>();
        for (Recognizers.Listed r : all) {
            for (String n : r.signs().loaded()) {
                List<Recognizers.Listed> list = byName.get(n);
                if (list == null) {
                    list = new ArrayList<Recognizers.Listed>(1);
                    byName.put(n, list);
                }
                list.add(r);
            }
        }
        if (byName.isEmpty()) {
            return;
        }
        for (Class<?> c : loaded) {
            if (c.getClassLoader() == null) {
                continue; // the JDK's own: never an application; Class.getName would build and keep a name for each
            }
            List<Recognizers.Listed> list = byName.get(c.getName());
            if (list != null) {
                found.addAll(list);
            }
        }
    }

    static void fromMainClass(List<Recognizers.Listed> all, String command, Set<Recognizers.Listed> found) throws IOException {
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
                if (byMainClassName(all, mainClass, command, found)) {
                    return;
                }
                ZipEntry entry = jar.getEntry(mainClass.replace('.', '/') + ".class");
                if (entry != null) {
                    try (InputStream in = jar.getInputStream(entry)) {
                        scan(all, read(in, entry.getSize()), found);
                    }
                }
            }
            return;
        }
        if (main.indexOf('/') >= 0) {
            main = main.substring(main.lastIndexOf('/') + 1); // -m module/class
        }
        if (byMainClassName(all, main, command, found)) {
            return;
        }
        ClassLoader system = ClassLoader.getSystemClassLoader();
        try (InputStream in = system.getResourceAsStream(main.replace('.', '/') + ".class")) {
            if (in != null) {
                scan(all, read(in, -1), found);
            }
        }
    }

    private static boolean byMainClassName(List<Recognizers.Listed> all, String mainClass, String command, Set<Recognizers.Listed> found) {
        boolean any = false;
        for (Recognizers.Listed r : all) {
            if (r.signs().matchesLaunch(mainClass, command)) {
                found.add(r);
                any = true;
            }
        }
        return any;
    }

    /**
     * Searches a class file for the internal names the recognizers look for. Each name's first two path segments
     * ({@code org/springframework/}) are looked for first, once per family: a main class that names nothing of a family
     * is not searched again for each of its names (21 names in 7 families; an 11 KB main class searched for each name
     * took 4-5 ms on the agent's start thread and a C2 compilation of the JDK's search loop).
     */
    static void scan(List<Recognizers.Listed> all, byte[] classFile, Set<Recognizers.Listed> found) {
        String text = new String(classFile, StandardCharsets.ISO_8859_1);
        Map<String, Boolean> families = new HashMap<String, Boolean>();
        for (Recognizers.Listed r : all) {
            for (String internalName : r.signs().referenced()) {
                String family = family(internalName);
                Boolean named = families.get(family);
                if (named == null) {
                    named = text.contains(family);
                    families.put(family, named);
                }
                if (named && text.contains(internalName)) {
                    found.add(r);
                    break;
                }
            }
        }
    }

    /** {@code org/springframework/boot/SpringApplication} -&gt; {@code org/springframework/}; a name of fewer segments is its own. */
    static String family(String internalName) {
        int first = internalName.indexOf('/');
        int second = first < 0 ? -1 : internalName.indexOf('/', first + 1);
        return second < 0 ? internalName : internalName.substring(0, second + 1);
    }

    /** The class file, {@code size} (from its jar entry, -1 when not known) sizing the array; more than {@link #MAX_CLASS_BYTES} is refused. */
    private static byte[] read(InputStream in, long size) throws IOException {
        return AgentResources.readAll("the main class", in, size > 0 ? (int) Math.min(size, MAX_CLASS_BYTES) : 8192, MAX_CLASS_BYTES);
    }
}
