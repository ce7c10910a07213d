package io.jvmhealth.agent.config;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Collections;

import static org.junit.jupiter.api.Assertions.assertEquals;

class WordsTest {
    @Test
    void splitsOnAnyOfTheSeparatorsAndDropsEmptyPieces() {
        assertEquals(Arrays.asList("heap", "gc", "threads", "fds"), Words.split(",heap,,gc; threads+fds ", ",;+ "));
        assertEquals(Collections.singletonList("deadlock"), Words.split("deadlock", ",;+ "));
        assertEquals(Collections.emptyList(), Words.split(" ,;", ",;+ "));
        assertEquals(Collections.emptyList(), Words.split("", ",;+ "));
    }

    @Test
    void theFirstWordIsWhatTheOldWhitespacePatternGave() {
        assertEquals("app.jar", Words.first("app.jar --server.port=8080"));
        assertEquals("com.acme.Main", Words.first(" \tcom.acme.Main\targ"));
        assertEquals("4096", Words.first("            4096                 524288               files"));
        assertEquals("", Words.first("  \n "));
    }
}
