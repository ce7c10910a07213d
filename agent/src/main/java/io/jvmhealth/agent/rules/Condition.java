package io.jvmhealth.agent.rules;

import java.math.BigDecimal;

/**
 * One rule condition: {@code > N}, {@code >= N}, {@code < N}, {@code <= N}, {@code == V} or
 * {@code != V}. The ordering operators need a number; {@code ==} and {@code !=} compare numerically
 * when both sides are numbers and as exact text otherwise ({@code == true} matches a boolean
 * {@code true}, {@code == RUNNING} a string).
 */
public final class Condition {
    /** What {@link #parse} accepts, for error messages. */
    public static final String ACCEPTED = "a condition '> N', '>= N', '< N', '<= N', '== V' or '!= V' (N a number, V a number or text)";

    private enum Op {
        GT(">"), GE(">="), LT("<"), LE("<="), EQ("=="), NE("!=");

        final String symbol;

        Op(String symbol) {
            this.symbol = symbol;
        }
    }

    private final Op op;
    private final String text;
    /** The operand as a number, or NaN when it is text. */
    private final double number;

    private Condition(Op op, String text, double number) {
        this.op = op;
        this.text = text;
        this.number = number;
    }

    /** Parses a condition; null when {@code spec} is not one (see {@link #ACCEPTED}). */
    public static Condition parse(String spec) {
        String s = spec.trim();
        Op op = null;
        for (Op candidate : new Op[] {Op.GE, Op.LE, Op.EQ, Op.NE, Op.GT, Op.LT}) {
            if (s.startsWith(candidate.symbol)) {
                op = candidate;
                break;
            }
        }
        if (op == null) {
            return null;
        }
        String operand = s.substring(op.symbol.length()).trim();
        if (operand.isEmpty() || "<>=!".indexOf(operand.charAt(0)) >= 0) {
            return null; // '>> 5', '=> 5', '>=' alone
        }
        double n = number(operand);
        if (Double.isNaN(n) && op != Op.EQ && op != Op.NE) {
            return null;
        }
        return new Condition(op, operand, n);
    }

    /** The number that {@code text} spells (plain decimal or scientific notation), or NaN. */
    static double number(String text) {
        try {
            return new BigDecimal(text.trim()).doubleValue();
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** True when an ordering operator: the value must be a number. */
    public boolean needsNumber() {
        return op != Op.EQ && op != Op.NE;
    }

    /**
     * Whether the condition holds for {@code value} (a {@link Number}, or anything else compared as
     * its text). An ordering condition does not hold for null or NaN; call it only with a number
     * (see {@link #needsNumber()}).
     */
    public boolean holds(Object value) {
        if (op == Op.EQ || op == Op.NE) {
            boolean equal;
            if (!Double.isNaN(number) && value instanceof Number) {
                equal = ((Number) value).doubleValue() == number;
            } else if (!Double.isNaN(number) && value instanceof String && !Double.isNaN(number((String) value))) {
                equal = number((String) value) == number;
            } else {
                equal = text.equals(String.valueOf(value));
            }
            return op == Op.EQ ? equal : !equal;
        }
        if (!(value instanceof Number)) {
            return false;
        }
        double v = ((Number) value).doubleValue();
        switch (op) {
            case GT:
                return v > number;
            case GE:
                return v >= number;
            case LT:
                return v < number;
            default:
                return v <= number;
        }
    }

    @Override
    public String toString() {
        return op.symbol + " " + text;
    }
}
