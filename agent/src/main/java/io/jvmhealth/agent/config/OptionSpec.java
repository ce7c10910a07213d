package io.jvmhealth.agent.config;

import java.util.Locale;

/**
 * One option key as the class that uses it declares it: the key, its default, what it accepts and one
 * line of documentation. {@link Options} knows the keys from these declarations alone, {@link Settings}
 * parses each value with its declaration's parser, and docs/options.md's table is written from them
 * (a test holds the page against them). A declaration is immutable.
 */
public final class OptionSpec {
    /** Turns a raw value (already trimmed) into its typed value, or fails naming the key, the value and its origin. */
    public interface Parser {
        Object parse(String key, String value, String origin) throws InvalidOptionException;
    }

    private final String key;
    private final String defaultValue;
    private final String doc;
    private final String shownDefault;
    private final Parser parser;

    private OptionSpec(String key, String defaultValue, String doc, String shownDefault, Parser parser) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.doc = doc;
        this.shownDefault = shownDefault;
        this.parser = parser;
    }

    /**
     * @param defaultValue the value when no source gives one, or null for none
     * @param doc          what the key means, one line of Markdown for docs/options.md
     */
    public static OptionSpec of(String key, String defaultValue, String doc, Parser parser) {
        return new OptionSpec(key, defaultValue, doc, null, parser);
    }

    /** The same declaration, its default shown in the docs as {@code shown} (Markdown) instead of the raw value. */
    public OptionSpec shownDefault(String shown) {
        return new OptionSpec(key, defaultValue, doc, shown, parser);
    }

    public String key() {
        return key;
    }

    /** The raw default, or null. */
    public String defaultValue() {
        return defaultValue;
    }

    public String doc() {
        return doc;
    }

    /** The default as the docs show it: {@code `5s`}, or {@code none}. */
    public String defaultDoc() {
        if (shownDefault != null) {
            return shownDefault;
        }
        return defaultValue == null || defaultValue.isEmpty() ? "none" : "`" + defaultValue + "`";
    }

    Object parse(String value, String origin) throws InvalidOptionException {
        return parser.parse(key, value, origin);
    }

    // ---- the usual kinds ----

    /** The error every parser gives for a value it does not accept. */
    public static InvalidOptionException bad(String key, String value, String origin, String expected) {
        return new InvalidOptionException("option '" + key + "' has bad value '" + value + "' (from " + origin
                + "): expected " + expected);
    }

    /** A fraction in [0, 1] (a {@link Double}). */
    public static OptionSpec ratio(String key, String defaultValue, String doc) {
        return of(key, defaultValue, doc, RATIO);
    }

    /** {@code off} (never: {@link Double#POSITIVE_INFINITY}) or a fraction in [0, 1]. */
    public static OptionSpec ratioOrOff(String key, String defaultValue, String doc) {
        return of(key, defaultValue, doc, new Parser() {
            @Override
            public Object parse(String key, String value, String origin) throws InvalidOptionException {
                if (value.equalsIgnoreCase("off")) {
                    return Double.POSITIVE_INFINITY;
                }
                return fraction(key, value, origin, "off, or a fraction from 0 to 1, such as 0.5");
            }
        });
    }

    /** A whole number in [min, max] (an {@link Integer}). */
    public static OptionSpec integer(String key, String defaultValue, final int min, final int max, String doc) {
        return of(key, defaultValue, doc, new Parser() {
            @Override
            public Object parse(String key, String value, String origin) throws InvalidOptionException {
                String expected = "a whole number from " + min + " to " + max;
                try {
                    long v = Long.parseLong(value);
                    if (v < min || v > max) {
                        throw bad(key, value, origin, expected);
                    }
                    return (int) v;
                } catch (NumberFormatException e) {
                    throw bad(key, value, origin, expected);
                }
            }
        });
    }

    /** A duration with a unit in [minMillis, maxMillis] (a {@link Long} of milliseconds). */
    public static OptionSpec duration(String key, String defaultValue, long minMillis, long maxMillis, String doc) {
        return of(key, defaultValue, doc, durationParser(minMillis, maxMillis, false));
    }

    /** {@code off} (a {@link Long} of -1) or a duration with a unit in [minMillis, maxMillis]. */
    public static OptionSpec durationOrOff(String key, String defaultValue, long minMillis, long maxMillis, String doc) {
        return of(key, defaultValue, doc, durationParser(minMillis, maxMillis, true));
    }

    /** {@code true} or {@code false} (a {@link Boolean}). */
    public static OptionSpec bool(String key, String defaultValue, String doc) {
        return of(key, defaultValue, doc, new Parser() {
            @Override
            public Object parse(String key, String value, String origin) throws InvalidOptionException {
                String v = value.toLowerCase(Locale.ROOT);
                if (v.equals("true") || v.equals("false")) {
                    return v.equals("true");
                }
                throw bad(key, value, origin, "true or false");
            }
        });
    }

    /** Any text, kept as given (a {@link String}); an owner that accepts less validates where it uses it. */
    public static OptionSpec text(String key, String defaultValue, String doc) {
        return of(key, defaultValue, doc, TEXT);
    }

    /** One of {@code words} (case-insensitive; the lower-case word, a {@link String}). */
    public static OptionSpec choice(String key, String defaultValue, String doc, final String... words) {
        return of(key, defaultValue, doc, new Parser() {
            @Override
            public Object parse(String key, String value, String origin) throws InvalidOptionException {
                String v = value.toLowerCase(Locale.ROOT);
                StringBuilder accepted = new StringBuilder();
                for (String w : words) {
                    if (w.equals(v)) {
                        return w;
                    }
                    accepted.append(accepted.length() == 0 ? "" : ", ").append(w);
                }
                throw bad(key, value, origin, "one of " + accepted);
            }
        });
    }

    private static final Parser TEXT = new Parser() {
        @Override
        public Object parse(String key, String value, String origin) {
            return value;
        }
    };

    private static final Parser RATIO = new Parser() {
        @Override
        public Object parse(String key, String value, String origin) throws InvalidOptionException {
            return fraction(key, value, origin, "a fraction from 0 to 1, such as 0.85");
        }
    };

    private static Double fraction(String key, String value, String origin, String expected) throws InvalidOptionException {
        try {
            double v = Double.parseDouble(value);
            if (!(v >= 0 && v <= 1)) {
                throw bad(key, value, origin, expected);
            }
            return v;
        } catch (NumberFormatException e) {
            throw bad(key, value, origin, expected);
        }
    }

    private static Parser durationParser(final long minMillis, final long maxMillis, final boolean off) {
        return new Parser() {
            @Override
            public Object parse(String key, String value, String origin) throws InvalidOptionException {
                if (off && value.equalsIgnoreCase("off")) {
                    return -1L;
                }
                Long v = Durations.parseMillis(value);
                if (v == null || v < minMillis || v > maxMillis) {
                    throw bad(key, value, origin, (off ? "off, or " : "") + "a duration with a unit (ms, s, m, h) from "
                            + minMillis + "ms to " + maxMillis / 1000 + "s, such as 500ms, 5s or 2m");
                }
                return v;
            }
        };
    }
}
