package io.jvmhealth.agent.health;

import java.util.Arrays;

/**
 * A minimal JSON writer straight to UTF-8 bytes, for the snapshot's bodies: objects, arrays,
 * strings (escaped as RFC 8259 requires), integers, doubles (non-finite ones as {@code null}),
 * booleans and null. Commas are placed by the writer; the caller only has to nest correctly.
 * Not thread-safe: one instance per body.
 */
final class JsonBytes {
    private static final byte[] HEX = {'0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};

    private byte[] buf;
    private int len;
    /** Per nesting level: whether the next value is the first one in its container. */
    private boolean[] first = new boolean[16];
    private int depth;
    /** True right after a field name: the next value needs no comma. */
    private boolean afterName;

    JsonBytes(int capacity) {
        buf = new byte[Math.max(16, capacity)];
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buf, len);
    }

    JsonBytes startObject() {
        beforeValue();
        put('{');
        push();
        return this;
    }

    JsonBytes endObject() {
        depth--;
        put('}');
        return this;
    }

    JsonBytes startArray() {
        beforeValue();
        put('[');
        push();
        return this;
    }

    JsonBytes endArray() {
        depth--;
        put(']');
        return this;
    }

    JsonBytes field(String name) {
        beforeValue();
        quoted(name);
        put(':');
        afterName = true;
        return this;
    }

    JsonBytes string(String value) {
        beforeValue();
        quoted(value);
        return this;
    }

    JsonBytes number(long value) {
        beforeValue();
        ascii(Long.toString(value));
        return this;
    }

    JsonBytes number(double value) {
        beforeValue();
        ascii(Double.isNaN(value) || Double.isInfinite(value) ? "null" : Double.toString(value));
        return this;
    }

    JsonBytes bool(boolean value) {
        beforeValue();
        ascii(value ? "true" : "false");
        return this;
    }

    JsonBytes nullValue() {
        beforeValue();
        ascii("null");
        return this;
    }

    /** {@code 2026-11-24T10:30:00Z}: the UTC time of {@code epochMillis}, to the second. */
    static String isoSeconds(long epochMillis) {
        return UtcTime.iso(epochMillis);
    }

    private void push() {
        if (++depth == first.length) {
            first = Arrays.copyOf(first, depth * 2);
        }
        first[depth] = true;
    }

    private void beforeValue() {
        if (afterName) {
            afterName = false;
            return;
        }
        if (depth > 0) {
            if (!first[depth]) {
                put(',');
            }
            first[depth] = false;
        }
    }

    private void quoted(String s) {
        put('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                put('\\');
                put(c);
            } else if (c < 0x20) {
                switch (c) {
                    case '\n': put('\\'); put('n'); break;
                    case '\r': put('\\'); put('r'); break;
                    case '\t': put('\\'); put('t'); break;
                    default: unicodeEscape(c); break;
                }
            } else if (c < 0x80) {
                put(c);
            } else if (c < 0x800) {
                put(0xc0 | c >> 6);
                put(0x80 | c & 0x3f);
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                put(0xf0 | cp >> 18);
                put(0x80 | cp >> 12 & 0x3f);
                put(0x80 | cp >> 6 & 0x3f);
                put(0x80 | cp & 0x3f);
            } else if (Character.isSurrogate(c)) {
                unicodeEscape(c); // a lone surrogate cannot be UTF-8: keep it visible as an escape
            } else {
                put(0xe0 | c >> 12);
                put(0x80 | c >> 6 & 0x3f);
                put(0x80 | c & 0x3f);
            }
        }
        put('"');
    }

    private void unicodeEscape(char c) {
        put('\\');
        put('u');
        put(HEX[c >> 12 & 0xf]);
        put(HEX[c >> 8 & 0xf]);
        put(HEX[c >> 4 & 0xf]);
        put(HEX[c & 0xf]);
    }

    private void ascii(String s) {
        for (int i = 0; i < s.length(); i++) {
            put(s.charAt(i));
        }
    }

    private void put(int b) {
        if (len == buf.length) {
            buf = Arrays.copyOf(buf, buf.length * 2);
        }
        buf[len++] = (byte) b;
    }
}
