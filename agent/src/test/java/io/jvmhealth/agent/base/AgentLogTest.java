package io.jvmhealth.agent.base;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Whatever a message holds, what AgentLog writes is one line of visible characters. */
class AgentLogTest {

    @Test
    void escapesLineBreaksTerminalEscapesAndEveryOtherControlCharacter() {
        assertEquals("a\\r[jvm-health] INFO forged \\u001b[31mred\\nnext\\tend",
                AgentLog.escape("a\r[jvm-health] INFO forged \u001b[31mred\nnext\tend"));
        assertEquals("\\u0000\\u0007\\u007f\\u0085\\u009b", AgentLog.escape("\u0000\u0007\u007f\u0085\u009b"));
        assertEquals("sep\\u2028line\\u2029para", AgentLog.escape("sep\u2028line\u2029para"));
    }

    @Test
    void escapesLoneSurrogatesAndKeepsValidPairs() {
        assertEquals("high\\ud800-low\\udc00-end\\ud800", AgentLog.escape("high\ud800-low\udc00-end\ud800"));
        assertEquals("emoji \ud83d\ude00 and \u00e9\u4e2d", AgentLog.escape("emoji \ud83d\ude00 and \u00e9\u4e2d"));
        assertEquals("\ud83d\ude00\\u000a".replace("\\u000a", "\\n"), AgentLog.escape("\ud83d\ude00\n"));
    }

    /** A right-to-left override in a thread name would make a log line read as another one: escaped, visible. */
    @Test
    void escapesBidirectionalOverridesAndIsolates() {
        assertEquals("para-rlo\\u202eevil \\u2066x\\u2069 \\u200f", AgentLog.escape("para-rlo\u202eevil \u2066x\u2069 \u200f"));
    }

    @Test
    void returnsTheSameStringWhenNothingNeedsEscaping() {
        String plain = "check 'heap' healthy -> degraded: \"quoted\" \\ back";
        assertSame(plain, AgentLog.escape(plain));
        assertEquals("null", AgentLog.escape(null));
    }

    @Test
    void everyCharacterThatCouldBreakALineIsGone() {
        StringBuilder all = new StringBuilder();
        for (char c = 0; c < 0xffff; c++) {
            all.append(c);
        }
        String escaped = AgentLog.escape(all.toString());
        for (int i = 0; i < escaped.length(); i++) {
            char c = escaped.charAt(i);
            assertTrue(c >= 0x20 && !(c >= 0x7f && c <= 0x9f) && c != '\u2028' && c != '\u2029', "char " + (int) c + " at " + i);
            if (Character.isHighSurrogate(c)) {
                assertTrue(Character.isLowSurrogate(escaped.charAt(++i)), "pair at " + i);
            } else {
                assertTrue(!Character.isLowSurrogate(c), "lone low surrogate at " + i);
            }
        }
    }
}
