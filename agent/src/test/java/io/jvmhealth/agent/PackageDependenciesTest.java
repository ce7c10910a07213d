package io.jvmhealth.agent;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The command-line tool depends on the agent (the property names it reads, the argument that stops
 * it), never the agent on the tool: no class outside {@code cli} names a {@code cli} class.
 */
class PackageDependenciesTest {
    private static final Path MAIN = Paths.get(System.getProperty("user.dir"), "src/main/java/io/jvmhealth/agent");

    @Test
    void nothingOutsideCliUsesCli() throws IOException {
        List<String> offenders = new ArrayList<>();
        int files = 0;
        try (Stream<Path> sources = Files.walk(MAIN)) {
            for (Path p : (Iterable<Path>) sources.filter(f -> f.toString().endsWith(".java"))::iterator) {
                if (MAIN.relativize(p).startsWith("cli")) {
                    continue;
                }
                files++;
                String text = new String(Files.readAllBytes(p), StandardCharsets.UTF_8);
                if (text.contains("import io.jvmhealth.agent.cli.") || text.matches("(?s).*io\\.jvmhealth\\.agent\\.cli\\.[A-Z]\\w*\\s*[.(].*")) {
                    offenders.add(MAIN.relativize(p).toString());
                }
            }
        }
        assertTrue(files > 20, "read the agent's sources from " + MAIN);
        assertEquals(new ArrayList<String>(), offenders, "classes outside cli that use cli");
    }
}
