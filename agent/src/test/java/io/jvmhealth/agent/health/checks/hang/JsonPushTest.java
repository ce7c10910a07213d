package io.jvmhealth.agent.health.checks.hang;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonPushTest {
    /** Every event as a word, strings quoted. */
    private static final class Events implements JsonPush.Handler {
        final List<String> seen = new ArrayList<>();

        public void startObject() { seen.add("{"); }
        public void endObject() { seen.add("}"); }
        public void startArray() { seen.add("["); }
        public void endArray() { seen.add("]"); }
        public void key(String key) { seen.add("key:" + key); }
        public void value(String text, boolean quoted, long cut) { seen.add((quoted ? "\"" + text + "\"" : text) + (cut > 0 ? "+" + cut : "")); }
    }

    private static List<String> parse(String json, int maxChars, boolean byteByByte) throws IOException {
        Events events = new Events();
        JsonPush push = new JsonPush(events, maxChars);
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        if (byteByByte) {
            for (int i = 0; i < bytes.length; i++) {
                push.feed(bytes, i, 1);
            }
        } else {
            push.feed(bytes, 0, bytes.length);
        }
        push.end();
        return events.seen;
    }

    @Test
    void readsNestedObjectsArraysStringsAndLiteralsTheSameFedWholeOrByteByByte() throws IOException {
        String json = "{\"a\": [1, -2.5e3, true, false, null, \"x\"], \"b\": {\"c\": {}}, \"d\": []}";
        List<String> expected = List.of("{", "key:a", "[", "1", "-2.5e3", "true", "false", "null", "\"x\"", "]",
                "key:b", "{", "key:c", "{", "}", "}", "key:d", "[", "]", "}");
        assertEquals(expected, parse(json, 100, false));
        assertEquals(expected, parse(json, 100, true));
    }

    @Test
    void decodesEscapesAndUtf8IncludingSequencesSplitAcrossFeeds() throws IOException {
        String json = "[\"java.base\\/java.lang \\\"q\\\" \\\\ \\t\\n\\u0001\\u00e9 \u00e9\u4e2d\ud83d\ude00\"]";
        List<String> expected = List.of("[", "\"java.base/java.lang \"q\" \\ \t\n\u0001\u00e9 \u00e9\u4e2d\ud83d\ude00\"", "]");
        assertEquals(expected, parse(json, 100, false));
        assertEquals(expected, parse(json, 100, true));
    }

    @Test
    void cutsLongStringsAndCountsWhatWasLeftOut() throws IOException {
        assertEquals(List.of("[", "\"abc\"+4", "\"ab\"", "]"), parse("[\"abcdefg\", \"ab\"]", 3, true));
    }

    @Test
    void malformedInputThrowsWithTheOffset() {
        for (String bad : new String[] {"{\"a\" 1}", "[1,]", "{,}", "[1 2]", "{\"a\":1", "[\"unterminated", "[tru]", "{\"a\":1}}", "[\"\\x\"]", "[\"a\nb\"]"}) {
            IOException e = assertThrows(IOException.class, () -> parse(bad, 100, false), bad);
            assertTrue(e.getMessage().contains("at byte"), e.getMessage());
        }
    }

    @Test
    void refusesNestingDeeperThanItsBound() {
        String deep = "[".repeat(JsonPush.MAX_DEPTH + 1);
        IOException e = assertThrows(IOException.class, () -> parse(deep, 10, false));
        assertTrue(e.getMessage().contains("nested deeper"), e.getMessage());
    }
}
