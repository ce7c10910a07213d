package io.jvmhealth.agent.runtime;

import io.jvmhealth.agent.config.OptionSpec;
import io.jvmhealth.agent.rules.RuleChecks;
import io.jvmhealth.agent.rules.RuleOptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/options.md's table of keys is written from the declarations ({@link Catalog#options()}, in its order, and
 * the {@code rule.<name>.<field>} row before the rules' own keys): this test fails, showing the expected table,
 * when the page's section between the two markers differs. Run with {@code -Djvmhealth.docs.write=true} it
 * rewrites the section instead: {@code mvn -B test -pl agent -Dtest=OptionsDocTest -Djvmhealth.docs.write=true}.
 */
class OptionsDocTest {
    static final String BEGIN = "<!-- options table: generated from the declarations, see OptionsDocTest -->";
    static final String END = "<!-- end of options table -->";
    private static final Path PAGE = Paths.get(System.getProperty("user.dir")).resolve("../docs/options.md").normalize();

    @Test
    void theOptionsPageShowsEveryDeclaredKeyWithItsMeaningAndDefault() throws IOException {
        String page = new String(Files.readAllBytes(PAGE), StandardCharsets.UTF_8);
        int begin = page.indexOf(BEGIN);
        int end = page.indexOf(END);
        assertTrue(begin >= 0 && end > begin, PAGE + " has the markers " + BEGIN + " and " + END + ", in that order");
        String expected = table();
        String actual = page.substring(begin + BEGIN.length(), end);
        if (Boolean.getBoolean("jvmhealth.docs.write")) {
            if (!actual.equals(expected)) {
                Files.write(PAGE, (page.substring(0, begin + BEGIN.length()) + expected + page.substring(end))
                        .getBytes(StandardCharsets.UTF_8));
            }
            return;
        }
        assertEquals(expected, actual, "docs/options.md's table differs from the declarations; rewrite it with "
                + "-Djvmhealth.docs.write=true, or paste the expected table between the markers:\n" + expected);
    }

    /** The section between the markers: a blank line, the table, a blank line. */
    static String table() {
        StringBuilder b = new StringBuilder("\n\n| key | meaning | default |\n| --- | --- | --- |\n");
        OptionSpec firstRuleKey = RuleChecks.OPTIONS.get(0);
        for (OptionSpec spec : Catalog.options().specs()) {
            if (spec.key().equals(firstRuleKey.key())) {
                row(b, "`" + RuleOptions.PREFIX + "<name>.<field>`", RuleOptions.RULE_KEYS_DOC, "none");
            }
            row(b, "`" + spec.key() + "`", spec.doc(), spec.defaultDoc());
        }
        return b.append('\n').toString();
    }

    private static void row(StringBuilder b, String key, String meaning, String defaultDoc) {
        b.append("| ").append(cell(key)).append(" | ").append(cell(meaning)).append(" | ").append(cell(defaultDoc)).append(" |\n");
    }

    /** A table cell: a pipe would end it, a line break would end the row. */
    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }
}
