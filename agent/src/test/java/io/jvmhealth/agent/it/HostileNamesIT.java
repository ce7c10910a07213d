package io.jvmhealth.agent.it;

import io.jvmhealth.agent.testing.Http;
import io.jvmhealth.agent.testing.Json;
import io.jvmhealth.agent.testing.Poll;
import io.jvmhealth.agent.testing.TargetJvm;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Threads whose names hold CR and ANSI escapes, LF, quotes, backslashes, tabs, lone surrogates,
 * U+2028/U+2029, NUL, C1 and DEL characters, 5,000 characters, an emoji or HTML markup, deadlocked in pairs
 * (sample-target {@code hostile}): the JSON bodies stay valid and give every name back exactly,
 * and every line the agent writes on stderr (the state change, the evidence block) is one line
 * that starts with the agent's prefix and holds no control character.
 */
class HostileNamesIT {

    /** The names sample-target's {@code hostile} gives (ResourceScenarios.hostileNames). */
    static List<String> hostileNames() {
        StringBuilder longName = new StringBuilder("long-");
        while (longName.length() < 5000) {
            longName.append("\u00e9\u4e2d\"\\");
        }
        return Arrays.asList(
                "cr\r[jvm-health] INFO forged line \u001b[31mred\u001b[0m",
                "lf\nquote\"back\\slash\ttab",
                "lone-high\ud800-lone-low\udc00-end",
                "sep\u2028line\u2029para-nul\u0000-bel\u0007-c1\u009b-del\u007f",
                longName.substring(0, 5000),
                "emoji-\ud83d\ude00-ok",
                "<img src=x onerror=alert(1)>",
                "\"><script>alert(2)</script><b title='&amp;");
    }

    @Test
    void hostileThreadNamesKeepJsonValidAndEveryStderrLineOneLine() throws Exception {
        try (TargetJvm target = TargetJvm.builder().agent("port=0,interval=500ms").commands("work").start()) {
            String url = target.agentUrl(Duration.ofSeconds(20));
            Poll.until("/started 200", Duration.ofSeconds(10), () -> Http.get(url, "/started"), r -> r.status == 200);
            target.run("hostile", Duration.ofSeconds(15));
            Http.Response live = Poll.until("/live 503", Duration.ofSeconds(15), () -> Http.get(url, "/live"), r -> r.status == 503);
            for (String path : new String[] {"/live", "/health", "/ready"}) {
                Http.Response r = path.equals("/live") ? live : Http.get(url, path);
                Map<String, Object> body = Json.parseObject(r.body); // jackson: throws on invalid JSON
                Object deadlock = Json.at(body, "checks", "deadlock");
                List<?> threads = (List<?>) ((Map<?, ?>) ((Map<?, ?>) deadlock).get("details")).get("threads");
                Set<String> names = threads.stream().map(t -> (String) ((Map<?, ?>) t).get("name")).collect(Collectors.toSet());
                assertEquals(new HashSet<>(hostileNames()), names, path + " gives every name back exactly");
            }
            List<List<String>> blocks = Poll.until("the evidence block", Duration.ofSeconds(15),
                    () -> EvidenceIT.blocks(target.stderrLines()), b -> !b.isEmpty());
            List<String> stderr = target.stderrLines();
            for (String line : stderr) {
                assertTrue(line.startsWith("[jvm-health] "), "a line not ours, or a forged or broken one: " + visible(line));
                for (int i = 0; i < line.length(); i++) {
                    char c = line.charAt(i);
                    assertTrue(c >= 0x20 && !(c >= 0x7f && c <= 0x9f) && c != '\u2028' && c != '\u2029' && c != '\ufffd',
                            "control character " + (int) c + " in " + visible(line));
                }
            }
            List<String> change = stderr.stream().filter(l -> l.contains("check 'deadlock' healthy -> unhealthy")).collect(Collectors.toList());
            assertEquals(1, change.size(), "the state change is one line");
            assertTrue(change.get(0).contains("cr\\r[jvm-health] INFO forged line \\u001b[31mred"), visible(change.get(0)));
            assertTrue(change.get(0).contains("lone-high\\ud800-lone-low\\udc00-end") && change.get(0).contains("sep\\u2028line\\u2029para-nul\\u0000"),
                    visible(change.get(0)));
            assertTrue(change.get(0).contains("emoji-\ud83d\ude00-ok"), "valid pairs are kept");
            assertTrue(stderr.stream().noneMatch(l -> l.startsWith("[jvm-health] INFO forged")), "no forged line");
            assertEquals(1, blocks.size());
            String dump = String.join("\n", blocks.get(0));
            assertTrue(dump.contains("\"cr\\r[jvm-health] INFO forged line \\u001b[31mred\\u001b[0m\" #"), "the dump escapes too");
            assertTrue(dump.contains("...(name cut: 5000 characters)"), "a 5,000-character name is cut in the dump, and says so");
        }
    }

    private static String visible(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.substring(0, Math.min(400, s.length())).toCharArray()) {
            b.append(c < 0x20 || c >= 0x7f && c <= 0x9f ? "<" + (int) c + ">" : String.valueOf(c));
        }
        return b.toString();
    }
}
