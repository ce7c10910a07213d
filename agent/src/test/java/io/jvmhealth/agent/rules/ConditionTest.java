package io.jvmhealth.agent.rules;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConditionTest {
    @Test
    void orderingOperatorsCompareNumbers() {
        assertTrue(Condition.parse("> 5").holds(6));
        assertFalse(Condition.parse("> 5").holds(5));
        assertTrue(Condition.parse(">= 5").holds(5L));
        assertFalse(Condition.parse(">= 5").holds(4.99));
        assertTrue(Condition.parse("< 0.5").holds(0.4));
        assertFalse(Condition.parse("< 0.5").holds(0.5));
        assertTrue(Condition.parse("<=0.5").holds(0.5f));
        assertFalse(Condition.parse("<= -1").holds(0));
        assertTrue(Condition.parse("> 1e3").holds(1001));
    }

    @Test
    void orderingNeverHoldsForNullNaNOrText() {
        assertFalse(Condition.parse("> 5").holds(null));
        assertFalse(Condition.parse("< 5").holds(Double.NaN));
        assertFalse(Condition.parse("< 5").holds("3"));
        assertTrue(Condition.parse("< 5").needsNumber());
        assertFalse(Condition.parse("== 5").needsNumber());
    }

    @Test
    void equalityIsNumericForNumbersAndExactForText() {
        assertTrue(Condition.parse("== 3").holds(3));
        assertTrue(Condition.parse("== 3").holds(3.0));
        assertTrue(Condition.parse("== 3").holds("3.0"), "numeric text compares numerically");
        assertTrue(Condition.parse("!= 3").holds(127));
        assertTrue(Condition.parse("== RUNNING").holds("RUNNING"));
        assertFalse(Condition.parse("== RUNNING").holds("running"), "text is exact");
        assertTrue(Condition.parse("!= RUNNING").holds("STOPPED"));
        assertTrue(Condition.parse("== true").holds(Boolean.TRUE));
        assertTrue(Condition.parse("!= true").holds(false));
        assertTrue(Condition.parse("== null").holds(null));
        assertTrue(Condition.parse("== two words").holds("two words"));
    }

    @ParameterizedTest
    @ValueSource(strings = {">> 5", "=> 5", "5", "> five", ">", ">=", "== ", "= 5", "~ 5", "< <3", ""})
    void rejects(String text) {
        assertNull(Condition.parse(text), text);
    }

    @Test
    void printsAsGiven() {
        assertEquals(">= 0.9", Condition.parse(">=0.9").toString());
        assertEquals("!= RUNNING", Condition.parse("  !=   RUNNING ").toString());
    }
}
