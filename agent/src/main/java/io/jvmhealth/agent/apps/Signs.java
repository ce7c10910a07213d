package io.jvmhealth.agent.apps;

import io.jvmhealth.agent.config.Words;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * How an application is identified, by class NAMES only (nothing of the application is loaded to
 * decide): the main classes it is launched with, prefixes of such main classes (launchers), the
 * classes its main class refers to (internal names found in the main class file's bytes), and classes
 * that, already loaded when the agent starts (attach), show it runs. Immutable.
 */
public final class Signs {
    private final Set<String> mainClasses;
    private final List<String> mainClassPrefixes;
    private final Set<String> referenced;
    private final Set<String> loaded;
    private final Set<String> arguments;

    private Signs(Set<String> mainClasses, List<String> mainClassPrefixes, Set<String> referenced, Set<String> loaded) {
        this(mainClasses, mainClassPrefixes, referenced, loaded, Collections.<String>emptySet());
    }

    private Signs(Set<String> mainClasses, List<String> mainClassPrefixes, Set<String> referenced, Set<String> loaded,
                  Set<String> arguments) {
        this.mainClasses = Collections.unmodifiableSet(mainClasses);
        this.mainClassPrefixes = Collections.unmodifiableList(mainClassPrefixes);
        this.referenced = Collections.unmodifiableSet(referenced);
        this.loaded = Collections.unmodifiableSet(loaded);
        this.arguments = Collections.unmodifiableSet(arguments);
    }

    public static Signs none() {
        return new Signs(new LinkedHashSet<String>(), new ArrayList<String>(), new LinkedHashSet<String>(), new LinkedHashSet<String>());
    }

    /**
     * A main class (or prefix) counts only when the command line also holds one of these words (exactly, as one
     * whitespace-separated word): the module jboss-modules runs ({@code org.jboss.as.standalone}), where the launcher
     * alone does not say which program runs. Signs without arguments match on the main class alone.
     */
    public Signs argument(String... words) {
        Set<String> more = new LinkedHashSet<String>(arguments);
        more.addAll(Arrays.asList(words));
        return new Signs(mainClasses, mainClassPrefixes, referenced, loaded, more);
    }

    /** Launched with one of these main classes (binary names). */
    public Signs mainClass(String... names) {
        Set<String> more = new LinkedHashSet<String>(mainClasses);
        more.addAll(Arrays.asList(names));
        return new Signs(more, mainClassPrefixes, referenced, loaded, arguments);
    }

    /** Launched with a main class starting with this prefix (a launcher's package). */
    public Signs mainClassPrefix(String prefix) {
        List<String> more = new ArrayList<String>(mainClassPrefixes);
        more.add(prefix);
        return new Signs(mainClasses, more, referenced, loaded, arguments);
    }

    /** The main class refers to one of these classes (binary names; sought as internal names in its bytes). */
    public Signs refers(String... names) {
        Set<String> more = new LinkedHashSet<String>(referenced);
        for (String n : names) {
            more.add(n.replace('.', '/'));
        }
        return new Signs(mainClasses, mainClassPrefixes, more, loaded, arguments);
    }

    /** One of these classes (binary names) is loaded when the agent starts (attached into a running application). */
    public Signs loaded(String... names) {
        Set<String> more = new LinkedHashSet<String>(loaded);
        more.addAll(Arrays.asList(names));
        return new Signs(mainClasses, mainClassPrefixes, referenced, more, arguments);
    }

    Set<String> mainClasses() {
        return mainClasses;
    }

    List<String> mainClassPrefixes() {
        return mainClassPrefixes;
    }

    /** Internal names ({@code a/b/C}). */
    Set<String> referenced() {
        return referenced;
    }

    Set<String> loaded() {
        return loaded;
    }

    /** The main class matches ({@link #matchesMainClass}) and the command line holds one of the {@link #argument} words, if any. */
    boolean matchesLaunch(String main, String command) {
        if (!matchesMainClass(main)) {
            return false;
        }
        if (arguments.isEmpty()) {
            return true;
        }
        for (String word : Words.split(command == null ? "" : command, Words.WHITESPACE)) {
            if (arguments.contains(word)) {
                return true;
            }
        }
        return false;
    }

    boolean matchesMainClass(String main) {
        if (mainClasses.contains(main)) {
            return true;
        }
        for (String p : mainClassPrefixes) {
            if (main.startsWith(p)) {
                return true;
            }
        }
        return false;
    }
}
