package io.jvmhealth.agent;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Holds the agent's layering: data flows one way (options, settings, checks, evaluator, snapshot, HTTP), so a
 * package only uses packages of its own layer or below, no two packages use each other (directly or around a
 * cycle), and nothing uses the entry point ({@link JvmHealthAgent}, the root package) or the command-line tool
 * ({@code cli}, which runs in its own JVM and depends on the agent, never the agent on it).
 *
 * <p>Reads every main source file with its comments removed (a {@code {@link ...}} in Javadoc is not a
 * dependency) and counts as a reference to an agent package: an import, a fully qualified name in code, and a
 * class or package named in a string literal ({@code "io.jvmhealth.agent.x.Y"}, or with slashes), since a class
 * loaded by name depends on it as much as one imported. The bare prefix {@code "io.jvmhealth.agent."} names all
 * of the agent's packages at once (a filter), not the root package, and is not a reference.
 */
class PackageDependenciesTest {
    private static final Path MAIN = Paths.get(System.getProperty("user.dir"), "src/main/java/io/jvmhealth/agent");
    private static final String ROOT = "io.jvmhealth.agent";
    private static final String CLI = "cli";

    /** Low to high; a package may use its own layer (without cycles) and the layers below it. Subpackages share their parent's layer. */
    private static final String[][] LAYERS = {
            {"base", "boot"},
            {"config"},
            {"health"},
            {"health.checks", "jmx"},
            {"rules", "gates"},
            {"apps", "evidence", "instrument", "shutdown"},
            {"http"},
            {"runtime"},
            {CLI},
            {""}, // the root package: the entry points
    };

    /**
     * The upward references allowed on purpose, each with its reason: file, referenced class, how it is named.
     * They take no part in the layering nor in the cycle check, and each must still exist (a stale entry fails).
     */
    private static final List<Allowed> ALLOWED = List.of(
            new Allowed("gates/NestedJarLoader.java", "instrument.AsmAdvice", Kind.STRING,
                    "the instrumentation lives with ASM in a nested jar of its own and is loaded by name on purpose "
                            + "(NestedJarLoader): the agent's class path never holds it, so a host that needs no gate never loads ASM"));

    /** An identifier after a dot starting in upper case is a class; the package is every segment before it. */
    private static final Pattern QUALIFIED = Pattern.compile("(?<![\\w.])io\\s*\\.\\s*jvmhealth\\s*\\.\\s*agent((?:\\s*\\.\\s*[a-z_]\\w*)*)(?:\\s*\\.\\s*([A-Z]\\w*))?");
    private static final Pattern DECLARATION = Pattern.compile("(?<![\\w.])(package|import)\\s+((?:static\\s+)?[\\w.\\s*]+);");
    private static final Pattern IN_STRING = Pattern.compile("io[./]jvmhealth[./]agent((?:[./][a-z_]\\w*)*)(?:[./]([A-Z]\\w*))?");

    enum Kind {
        IMPORT("import"), QUALIFIED("fully qualified name"), STRING("class name in a string");

        final String words;

        Kind(String words) {
            this.words = words;
        }
    }

    record Allowed(String file, String target, Kind kind, String reason) {
    }

    /** One reference: the file (relative to the agent's root package), the packages, what it names and how. */
    record Ref(String file, String from, String to, String target, Kind kind) {
        @Override
        public String toString() {
            return file + " (" + name(from) + ") -> " + target + " (" + name(to) + ", " + kind.words + ")";
        }
    }

    @Test
    void packagesUseOnlyTheirLayerAndTheLayersBelow() throws IOException {
        List<Ref> refs = references();
        List<String> upward = new ArrayList<>();
        for (Ref r : refs) {
            if (!r.from.equals(r.to) && layer(r.from) < layer(r.to)) {
                upward.add(r + ": layer " + layer(r.from) + " uses layer " + layer(r.to));
            }
        }
        assertEquals(List.of(), upward, "references from a lower layer to a higher one (layers low to high: " + layers()
                + "); move the code down, or pass the higher part in from above");
    }

    @Test
    void noCyclesBetweenPackages() throws IOException {
        Map<String, Map<String, List<Ref>>> graph = new TreeMap<>();
        for (Ref r : references()) {
            if (!r.from.equals(r.to)) {
                graph.computeIfAbsent(r.from, k -> new TreeMap<>()).computeIfAbsent(r.to, k -> new ArrayList<>()).add(r);
            }
        }
        List<String> cycles = new ArrayList<>();
        for (Set<String> component : stronglyConnected(graph)) {
            if (component.size() < 2) {
                continue;
            }
            List<String> cycle = shortestCycle(component, graph);
            StringBuilder why = new StringBuilder("cycle " + String.join(" -> ", cycle.stream().map(PackageDependenciesTest::name).toList())
                    + " (among " + names(component) + "):");
            for (int i = 0; i + 1 < cycle.size(); i++) {
                List<Ref> edge = graph.get(cycle.get(i)).get(cycle.get(i + 1));
                for (Ref r : edge.subList(0, Math.min(3, edge.size()))) {
                    why.append("\n    ").append(r);
                }
                if (edge.size() > 3) {
                    why.append("\n    and ").append(edge.size() - 3).append(" more from ").append(name(cycle.get(i))).append(" to ").append(name(cycle.get(i + 1)));
                }
            }
            cycles.add(why.toString());
        }
        assertEquals(List.of(), cycles, "packages that use each other, directly or around a cycle");
    }

    @Test
    void nothingUsesTheEntryPointsOrTheCommandLineTool() throws IOException {
        List<String> offenders = new ArrayList<>();
        for (Ref r : references()) {
            boolean usesRoot = r.to.isEmpty() && !r.from.isEmpty();
            boolean usesCli = inPackage(r.to, CLI) && !inPackage(r.from, CLI);
            if (usesRoot || usesCli) {
                offenders.add(r.toString());
            }
        }
        assertEquals(List.of(), offenders, "references to the root package (JvmHealthAgent, the entry points) or to cli "
                + "(the command-line tool, its own JVM): the tool depends on the agent, never the agent on the tool");
    }

    @Test
    void everyAllowedExceptionIsStillNeeded() throws IOException {
        List<String> stale = new ArrayList<>();
        for (Allowed a : ALLOWED) {
            if (allReferences().stream().noneMatch(r -> matches(a, r))) {
                stale.add(a.file + " -> " + a.target + " (" + a.kind.words + ", allowed because " + a.reason + ")");
            }
        }
        assertEquals(List.of(), stale, "allowed exceptions no source needs any more: remove them from ALLOWED");
    }

    private static List<Ref> all;

    /** Every reference between agent packages, the allowed exceptions left out. */
    private static List<Ref> references() throws IOException {
        List<Ref> refs = new ArrayList<>();
        for (Ref r : allReferences()) {
            layer(r.from); // fails on a package without a layer
            layer(r.to);
            if (ALLOWED.stream().noneMatch(a -> matches(a, r))) {
                refs.add(r);
            }
        }
        return refs;
    }

    /** Every reference between agent packages in the main sources, read once per run. */
    private static synchronized List<Ref> allReferences() throws IOException {
        if (all != null) {
            return all;
        }
        List<Ref> refs = new ArrayList<>();
        int files = 0;
        try (Stream<Path> sources = Files.walk(MAIN)) {
            for (Path p : (Iterable<Path>) sources.filter(f -> f.toString().endsWith(".java")).sorted()::iterator) {
                files++;
                String file = MAIN.relativize(p).toString().replace('\\', '/');
                refs.addAll(referencesIn(file, new String(Files.readAllBytes(p), StandardCharsets.UTF_8)));
            }
        }
        assertTrue(files > 50, "read the agent's sources from " + MAIN + " (" + files + " files)");
        all = List.copyOf(refs);
        return all;
    }

    /** The references to agent packages in one source file ({@code file} relative to the root package's directory). */
    static List<Ref> referencesIn(String file, String text) {
        String from = file.contains("/") ? file.substring(0, file.lastIndexOf('/')).replace('/', '.') : "";
        Source source = Source.parse(text);
        List<Ref> refs = new ArrayList<>();
        StringBuilder code = new StringBuilder(source.code);
        Matcher statement = DECLARATION.matcher(source.code);
        while (statement.find()) {
            if (statement.group(1).equals("import")) {
                Matcher m = QUALIFIED.matcher(statement.group(2));
                while (m.find()) {
                    add(refs, file, from, m.group(1), m.group(2), Kind.IMPORT);
                }
            }
            for (int i = statement.start(); i < statement.end(); i++) {
                code.setCharAt(i, ' '); // the package declaration names no dependency; imports are counted once
            }
        }
        Matcher m = QUALIFIED.matcher(code);
        while (m.find()) {
            add(refs, file, from, m.group(1), m.group(2), Kind.QUALIFIED);
        }
        for (String literal : source.strings) {
            Matcher s = IN_STRING.matcher(literal);
            while (s.find()) {
                add(refs, file, from, s.group(1), s.group(2), Kind.STRING);
            }
        }
        return refs;
    }

    private static void add(List<Ref> refs, String file, String from, String packagePart, String className, Kind kind) {
        String to = packagePart.replaceAll("\\s", "").replace('/', '.');
        to = to.startsWith(".") ? to.substring(1) : to;
        if (className == null && to.isEmpty()) {
            return; // "io.jvmhealth.agent." names all of the agent's packages (a filter), not the root package
        }
        refs.add(new Ref(file, from, to, (to.isEmpty() ? "" : to + ".") + (className == null ? "*" : className), kind));
    }

    private static boolean matches(Allowed a, Ref r) {
        return a.file.equals(r.file) && a.target.equals(r.target) && a.kind == r.kind;
    }

    /** The layer of the longest package of {@link #LAYERS} that holds this one ({@code health.checks.cgroup} is in {@code health.checks}'s). */
    private static int layer(String pkg) {
        int layer = -1;
        int longest = -1;
        for (int i = 0; i < LAYERS.length; i++) {
            for (String p : LAYERS[i]) {
                if ((p.isEmpty() ? pkg.isEmpty() : inPackage(pkg, p)) && p.length() > longest) {
                    layer = i;
                    longest = p.length();
                }
            }
        }
        if (layer < 0) {
            fail("package " + name(pkg) + " has no layer: add it to PackageDependenciesTest.LAYERS (and to docs/architecture.md)");
        }
        return layer;
    }

    private static boolean inPackage(String pkg, String parent) {
        return pkg.equals(parent) || pkg.startsWith(parent + ".");
    }

    private static String name(String pkg) {
        return pkg.isEmpty() ? "root package " + ROOT : pkg;
    }

    private static String names(Set<String> pkgs) {
        List<String> out = new ArrayList<>();
        for (String p : pkgs) {
            out.add(name(p));
        }
        return String.join(", ", out);
    }

    private static String layers() {
        List<String> out = new ArrayList<>();
        for (String[] l : LAYERS) {
            List<String> ps = new ArrayList<>();
            for (String p : l) {
                ps.add(p.isEmpty() ? "root" : p);
            }
            out.add("{" + String.join(", ", ps) + "}");
        }
        return String.join(" < ", out);
    }

    /** The shortest cycle through the packages of one strongly connected component, its first package repeated at its end. */
    private static List<String> shortestCycle(Set<String> component, Map<String, Map<String, List<Ref>>> graph) {
        List<String> best = null;
        for (String start : component) {
            Map<String, String> parent = new HashMap<>();
            Deque<String> queue = new ArrayDeque<>(List.of(start));
            while (!queue.isEmpty()) {
                String v = queue.poll();
                if (graph.getOrDefault(v, Map.of()).containsKey(start)) {
                    List<String> path = new ArrayList<>(List.of(start));
                    for (String w = v; !w.equals(start); w = parent.get(w)) {
                        path.add(1, w);
                    }
                    path.add(start);
                    if (best == null || path.size() < best.size()) {
                        best = path;
                    }
                    break;
                }
                for (String w : graph.getOrDefault(v, Map.of()).keySet()) {
                    if (component.contains(w) && !w.equals(start) && !parent.containsKey(w)) {
                        parent.put(w, v);
                        queue.add(w);
                    }
                }
            }
        }
        return best;
    }

    /** Tarjan's strongly connected components. */
    private static List<Set<String>> stronglyConnected(Map<String, Map<String, List<Ref>>> graph) {
        Set<String> nodes = new TreeSet<>(graph.keySet());
        for (Map<String, List<Ref>> edges : graph.values()) {
            nodes.addAll(edges.keySet());
        }
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new TreeSet<>();
        List<Set<String>> out = new ArrayList<>();
        for (String n : nodes) {
            if (!index.containsKey(n)) {
                connect(n, graph, index, low, stack, onStack, out);
            }
        }
        return out;
    }

    private static void connect(String v, Map<String, Map<String, List<Ref>>> graph, Map<String, Integer> index, Map<String, Integer> low,
                                Deque<String> stack, Set<String> onStack, List<Set<String>> out) {
        index.put(v, index.size());
        low.put(v, index.get(v));
        stack.push(v);
        onStack.add(v);
        for (String w : graph.getOrDefault(v, Map.of()).keySet()) {
            if (!index.containsKey(w)) {
                connect(w, graph, index, low, stack, onStack, out);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (onStack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            Set<String> component = new TreeSet<>();
            String w;
            do {
                w = stack.pop();
                onStack.remove(w);
                component.add(w);
            } while (!w.equals(v));
            out.add(component);
        }
    }

    /** A source file's code with comments blanked out, and its string literals (escapes resolved enough for names). */
    static final class Source {
        final String code;
        final List<String> strings;

        private Source(String code, List<String> strings) {
            this.code = code;
            this.strings = strings;
        }

        static Source parse(String text) {
            StringBuilder code = new StringBuilder(text.length());
            List<String> strings = new ArrayList<>();
            int i = 0;
            int n = text.length();
            while (i < n) {
                char c = text.charAt(i);
                if (c == '/' && i + 1 < n && text.charAt(i + 1) == '/') {
                    while (i < n && text.charAt(i) != '\n') {
                        i++;
                    }
                    code.append(' ');
                } else if (c == '/' && i + 1 < n && text.charAt(i + 1) == '*') {
                    int end = text.indexOf("*/", i + 2);
                    i = end < 0 ? n : end + 2;
                    code.append(' ');
                } else if (c == '"' && text.startsWith("\"\"\"", i)) {
                    int end = text.indexOf("\"\"\"", i + 3);
                    strings.add(text.substring(i + 3, end < 0 ? n : end));
                    code.append("\"\"");
                    i = end < 0 ? n : end + 3;
                } else if (c == '"' || c == '\'') {
                    StringBuilder literal = new StringBuilder();
                    int j = i + 1;
                    while (j < n && text.charAt(j) != c && text.charAt(j) != '\n') {
                        if (text.charAt(j) == '\\' && j + 1 < n) {
                            j++;
                        }
                        literal.append(text.charAt(j));
                        j++;
                    }
                    if (c == '"') {
                        strings.add(literal.toString());
                    }
                    code.append(c).append(c);
                    i = j + 1;
                } else {
                    code.append(c);
                    i++;
                }
            }
            return new Source(code.toString(), strings);
        }
    }

    /** The reader itself: what counts as a reference and what does not. */
    @Test
    void readsImportsQualifiedNamesAndStringsButNotComments() {
        List<Ref> refs = referencesIn("http/X.java", "package io.jvmhealth.agent.http;\n"
                + "import io.jvmhealth.agent.health.Snapshot;\n"
                + "import static io.jvmhealth.agent.config.Durations.parse;\n"
                + "import io.jvmhealth.agent.jmx.*;\n"
                + "/** Uses {@link io.jvmhealth.agent.cli.Cli} in prose only. */\n"
                + "class X { // io.jvmhealth.agent.runtime.AgentRuntime\n"
                + "  /* io.jvmhealth.agent.JvmHealthAgent */ Object o = io.jvmhealth.agent.gates.Gates.NONE;\n"
                + "  Object p = io.jvmhealth.agent\n      .apps.Recognition.class;\n"
                + "  String s = \"io.jvmhealth.agent.evidence.Watchdog\", url = \"http://x//y\", esc = \"a\\\"io/jvmhealth/agent/rules/Rule.class\";\n"
                + "  char q = '\"'; String t = \"io.jvmhealth.agent.\" + \"// io.jvmhealth.agent.cli.Cli\";\n"
                + "  String u = \"io.jvmhealth.agent.boot.\";\n"
                + "}\n");
        List<String> found = new ArrayList<>();
        for (Ref r : refs) {
            assertEquals("http", r.from);
            found.add(r.target + " " + r.kind);
        }
        assertEquals(List.of("health.Snapshot IMPORT", "config.Durations IMPORT", "jmx.* IMPORT", "gates.Gates QUALIFIED",
                "apps.Recognition QUALIFIED", "evidence.Watchdog STRING", "rules.Rule STRING", "cli.Cli STRING", "boot.* STRING"), found);
        assertEquals(layer("health.checks"), layer("health.checks.cgroup"), "a subpackage takes its parent's layer");
        assertTrue(layer("health") < layer("health.checks"), "health.checks is above health, not in its layer");
        assertEquals("", referencesIn("JvmHealthAgent.java", "package io.jvmhealth.agent; class JvmHealthAgent {}").stream()
                .map(Ref::toString).reduce("", String::concat), "the root package's declaration names nothing");
    }
}
