package io.jvmhealth.agent.config;

import java.util.Locale;

/** Durations as options write them: a whole number and a unit, {@code 500ms}, {@code 5s}, {@code 2m}, {@code 1h}. */
public final class Durations {
    private Durations() {
    }

    /** The milliseconds of {@code text}, or null when it is not such a duration (no unit, not a number, too long). */
    public static Long parseMillis(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        long unit;
        String number;
        if (t.endsWith("ms")) {
            unit = 1;
            number = t.substring(0, t.length() - 2);
        } else if (t.endsWith("s")) {
            unit = 1000;
            number = t.substring(0, t.length() - 1);
        } else if (t.endsWith("m")) {
            unit = 60_000;
            number = t.substring(0, t.length() - 1);
        } else if (t.endsWith("h")) {
            unit = 3_600_000;
            number = t.substring(0, t.length() - 1);
        } else {
            return null;
        }
        if (number.isEmpty() || number.length() > 9) {
            return null;
        }
        for (int i = 0; i < number.length(); i++) {
            if (number.charAt(i) < '0' || number.charAt(i) > '9') {
                return null;
            }
        }
        return Long.parseLong(number) * unit;
    }
}
