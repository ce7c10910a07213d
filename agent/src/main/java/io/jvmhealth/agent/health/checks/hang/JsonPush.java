package io.jvmhealth.agent.health.checks.hang;

import java.io.IOException;

/**
 * A push tokenizer for JSON: bytes go in as they come ({@link #feed}), structural events come out to a
 * {@link Handler}. It exists so that the JDK's JSON thread dump (tens of megabytes with 100,000 virtual
 * threads) can be judged while it is being written, without ever holding it, and abandoned at a limit.
 *
 * <p>Bounded: nesting at most {@link #MAX_DEPTH}; a string or literal keeps at most {@code maxChars} characters
 * (the rest is read and counted, {@link Handler#value} says it was cut). UTF-8 is decoded by hand (a malformed
 * sequence becomes U+FFFD); {@code \\uXXXX} escapes, {@code \\/} and the other escapes are understood. Malformed
 * JSON throws {@link Malformed} with the byte offset. No regex, no allocation per byte.
 */
final class JsonPush {
    static final int MAX_DEPTH = 64;

    /** What the tokenizer found. A handler may throw an IOException to stop the reading. */
    interface Handler {
        void startObject() throws IOException;

        void endObject() throws IOException;

        void startArray() throws IOException;

        void endArray() throws IOException;

        void key(String key) throws IOException;

        /**
         * A string (quoted true) or a literal (number, true, false, null: quoted false).
         * @param cut characters beyond the bound that were left out (0 when whole)
         */
        void value(String text, boolean quoted, long cut) throws IOException;
    }

    /** The input is not JSON. */
    static final class Malformed extends IOException {
        private static final long serialVersionUID = 1L;

        Malformed(String message, long offset) {
            super(message + " at byte " + offset);
        }
    }

    // what the next token may be
    private static final int VALUE = 0;
    private static final int VALUE_OR_END = 1;
    private static final int KEY = 2;
    private static final int KEY_OR_END = 3;
    private static final int COLON = 4;
    private static final int COMMA_OR_END = 5;
    private static final int DONE = 6;

    // where inside a token
    private static final int BETWEEN = 0;
    private static final int STRING = 1;
    private static final int ESCAPE = 2;
    private static final int UNICODE = 3;
    private static final int LITERAL = 4;

    private final Handler handler;
    private final int maxChars;
    private final boolean[] objects = new boolean[MAX_DEPTH + 1];
    private int depth;
    private int expect = VALUE;
    private int lexer = BETWEEN;
    private boolean stringIsKey;
    private final StringBuilder text = new StringBuilder();
    private long cut;
    private int unicodeDigits;
    private int unicodeValue;
    private int utf8Remaining;
    private int utf8Code;
    private int utf8Min;
    private long offset;

    JsonPush(Handler handler, int maxChars) {
        this.handler = handler;
        this.maxChars = maxChars;
    }

    /** Bytes read so far. */
    long offset() {
        return offset;
    }

    void feed(byte[] bytes, int from, int length) throws IOException {
        int end = from + length;
        for (int i = from; i < end; i++) {
            take(bytes[i] & 0xff);
            offset++;
        }
    }

    /** The input has ended: throws {@link Malformed} unless it held one whole value. */
    void end() throws IOException {
        if (lexer == LITERAL && depth == 0) {
            literalDone();
        }
        if (expect != DONE || lexer != BETWEEN) {
            throw new Malformed("unexpected end of input", offset);
        }
    }

    private void take(int b) throws IOException {
        switch (lexer) {
            case STRING:
                stringByte(b);
                return;
            case ESCAPE:
                escape(b);
                return;
            case UNICODE:
                unicode(b);
                return;
            case LITERAL:
                if (isLiteralByte(b)) {
                    append((char) b);
                    return;
                }
                literalDone();
                break; // the byte that ended the literal is a token of its own
            default:
                break;
        }
        if (b == ' ' || b == '\n' || b == '\r' || b == '\t') {
            return;
        }
        switch (b) {
            case '{':
                open(true);
                return;
            case '[':
                open(false);
                return;
            case '}':
                close(true);
                return;
            case ']':
                close(false);
                return;
            case ':':
                if (expect != COLON) {
                    throw new Malformed("unexpected ':'", offset);
                }
                expect = VALUE;
                return;
            case ',':
                if (expect != COMMA_OR_END) {
                    throw new Malformed("unexpected ','", offset);
                }
                expect = objects[depth] ? KEY : VALUE;
                return;
            case '"':
                if (expect == KEY || expect == KEY_OR_END) {
                    stringIsKey = true;
                } else if (expect == VALUE || expect == VALUE_OR_END) {
                    stringIsKey = false;
                } else {
                    throw new Malformed("unexpected string", offset);
                }
                startText();
                lexer = STRING;
                return;
            default:
                if (!isLiteralByte(b) || !(expect == VALUE || expect == VALUE_OR_END)) {
                    throw new Malformed("unexpected byte 0x" + Integer.toHexString(b), offset);
                }
                startText();
                append((char) b);
                lexer = LITERAL;
        }
    }

    private void open(boolean object) throws IOException {
        if (expect != VALUE && expect != VALUE_OR_END) {
            throw new Malformed(object ? "unexpected '{'" : "unexpected '['", offset);
        }
        if (depth == MAX_DEPTH) {
            throw new Malformed("nested deeper than " + MAX_DEPTH, offset);
        }
        objects[++depth] = object;
        expect = object ? KEY_OR_END : VALUE_OR_END;
        if (object) {
            handler.startObject();
        } else {
            handler.startArray();
        }
    }

    private void close(boolean object) throws IOException {
        boolean canClose = object ? (expect == KEY_OR_END || expect == COMMA_OR_END) : (expect == VALUE_OR_END || expect == COMMA_OR_END);
        if (depth == 0 || objects[depth] != object || !canClose) {
            throw new Malformed(object ? "unexpected '}'" : "unexpected ']'", offset);
        }
        depth--;
        afterValue();
        if (object) {
            handler.endObject();
        } else {
            handler.endArray();
        }
    }

    private void afterValue() {
        expect = depth == 0 ? DONE : COMMA_OR_END;
    }

    private void startText() {
        text.setLength(0);
        cut = 0;
        utf8Remaining = 0;
    }

    private void append(char c) {
        if (text.length() < maxChars) {
            text.append(c);
        } else {
            cut++;
        }
    }

    private void stringByte(int b) throws IOException {
        if (utf8Remaining > 0) {
            if ((b & 0xc0) == 0x80) {
                utf8Code = (utf8Code << 6) | (b & 0x3f);
                if (--utf8Remaining == 0) {
                    codePoint(utf8Code < utf8Min ? 0xfffd : utf8Code);
                }
                return;
            }
            utf8Remaining = 0;
            append('\ufffd'); // a sequence cut short; this byte starts afresh
        }
        if (b == '"') {
            lexer = BETWEEN;
            String s = text.toString();
            if (stringIsKey) {
                expect = COLON;
                handler.key(s);
            } else {
                afterValue();
                handler.value(s, true, cut);
            }
        } else if (b == '\\') {
            lexer = ESCAPE;
        } else if (b < 0x20) {
            throw new Malformed("control character in a string", offset);
        } else if (b < 0x80) {
            append((char) b);
        } else if ((b & 0xe0) == 0xc0) {
            utf8Remaining = 1;
            utf8Code = b & 0x1f;
            utf8Min = 0x80;
        } else if ((b & 0xf0) == 0xe0) {
            utf8Remaining = 2;
            utf8Code = b & 0x0f;
            utf8Min = 0x800;
        } else if ((b & 0xf8) == 0xf0) {
            utf8Remaining = 3;
            utf8Code = b & 0x07;
            utf8Min = 0x10000;
        } else {
            append('\ufffd');
        }
    }

    private void codePoint(int code) {
        if (code >= 0x10000 && code <= 0x10ffff) {
            append(Character.highSurrogate(code));
            append(Character.lowSurrogate(code));
        } else if (code > 0x10ffff) {
            append('\ufffd');
        } else {
            append((char) code);
        }
    }

    private void escape(int b) throws IOException {
        lexer = STRING;
        switch (b) {
            case '"':
            case '\\':
            case '/':
                append((char) b);
                return;
            case 'b':
                append('\b');
                return;
            case 'f':
                append('\f');
                return;
            case 'n':
                append('\n');
                return;
            case 'r':
                append('\r');
                return;
            case 't':
                append('\t');
                return;
            case 'u':
                lexer = UNICODE;
                unicodeDigits = 0;
                unicodeValue = 0;
                return;
            default:
                throw new Malformed("bad escape \\" + (char) b, offset);
        }
    }

    private void unicode(int b) throws IOException {
        int digit = Character.digit(b, 16);
        if (digit < 0) {
            throw new Malformed("bad \\u escape", offset);
        }
        unicodeValue = unicodeValue * 16 + digit;
        if (++unicodeDigits == 4) {
            append((char) unicodeValue);
            lexer = STRING;
        }
    }

    private static boolean isLiteralByte(int b) {
        return (b >= '0' && b <= '9') || (b >= 'a' && b <= 'z') || b == '-' || b == '+' || b == '.' || b == 'E';
    }

    private void literalDone() throws IOException {
        lexer = BETWEEN;
        String s = text.toString();
        if (!isLiteral(s)) {
            throw new Malformed("bad literal " + s, offset);
        }
        afterValue();
        handler.value(s, false, cut);
    }

    private static boolean isLiteral(String s) {
        if (s.equals("true") || s.equals("false") || s.equals("null")) {
            return true;
        }
        char first = s.charAt(0);
        return first == '-' || (first >= '0' && first <= '9');
    }
}
