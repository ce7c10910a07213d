package io.jvmhealth.agent.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

/**
 * Collects and parses request heads of one connection, fed by non-blocking reads, into fields of
 * this object (no strings, maps or other garbage per request). Bodies are never read: a request
 * that announces one is marked so the connection can answer and close.
 *
 * <p>Memory is bounded: the buffer starts at {@link #INITIAL_BYTES} and grows once, to
 * {@link #MAX_HEAD_BYTES}, only for a head that needs it. A head that is still incomplete is never
 * scanned twice, so a client that sends one byte at a time costs linear work, not quadratic.
 *
 * <p>It understands just what a health endpoint needs: the method, the path, the HTTP version,
 * {@code Host}, {@code Connection}, {@code Content-Length}, {@code Transfer-Encoding} and
 * {@code Authorization}. Anything malformed is reported as an HTTP error code in {@link #error}.
 */
final class RequestReader {
    /** Largest request head (request line and headers) accepted; larger gets 431. */
    static final int MAX_HEAD_BYTES = 8192;
    /** The buffer of a new connection: room for any probe's head (the kubelet's is about 110 bytes). */
    static final int INITIAL_BYTES = 1024;

    static final int GET = 1;
    static final int HEAD = 2;
    static final int OTHER_METHOD = 3;

    /** What the {@code Connection} headers asked for; the last one wins (RFC 9110 7.6.1 lists no precedence). */
    private static final int ASKED_NOTHING = 0;
    private static final int ASKED_CLOSE = 1;
    private static final int ASKED_KEEP_ALIVE = 2;

    private byte[] buf = new byte[INITIAL_BYTES];
    private ByteBuffer window = ByteBuffer.wrap(buf);
    private int start;
    private int end;
    /** Bytes in {@code [start, scanned)} are known not to end the current head. */
    private int scanned;

    // The current request, valid after next() returned true.
    int method;
    /** The request target ({@code /path?query}, absolute form reduced to its path) is {@code buf[targetFrom, targetTo)}; empty when none. */
    int targetFrom;
    int targetTo;
    boolean keepAlive;
    /** An HTTP/1.0 request that asked for keep-alive: the answer says {@code Connection: keep-alive}. */
    boolean http10KeepAlive;
    boolean hasBody;
    /** 0 when the request is well formed; otherwise the status code to answer before closing. */
    int error;
    int authOffset;
    int authLength;
    private long contentLength;
    private boolean http11;
    private int hosts;
    private int asked;

    byte[] buffer() {
        return buf;
    }

    /**
     * Reads what {@code channel} has into the buffer, without blocking when the channel does not.
     * Returns the bytes read, 0 when none (or the buffer is full: {@link #next} then reports 431),
     * -1 at end of stream.
     */
    int readFrom(ReadableByteChannel channel) throws IOException {
        if (end == buf.length) {
            makeRoom();
            if (end == buf.length) {
                return 0;
            }
        }
        window.limit(buf.length).position(end);
        int n = channel.read(window);
        if (n > 0) {
            end += n;
        }
        return n;
    }

    /** Moves the unparsed bytes to the front; grows the buffer to its maximum when they fill it. */
    private void makeRoom() {
        if (start > 0) {
            System.arraycopy(buf, start, buf, 0, end - start);
            end -= start;
            scanned -= start;
            start = 0;
        } else if (buf.length < MAX_HEAD_BYTES) {
            buf = java.util.Arrays.copyOf(buf, MAX_HEAD_BYTES);
            window = ByteBuffer.wrap(buf);
        }
    }

    /** Whether bytes of a next request have arrived (a head begun, not yet complete). */
    boolean hasBuffered() {
        return end > start;
    }

    /**
     * Parses the next complete head in the buffer into the fields above. Returns false when no
     * head is complete yet; true with {@link #error} 431 when one does not fit in
     * {@link #MAX_HEAD_BYTES} (the connection must then close: the rest is never read).
     */
    boolean next() {
        int headEnd = findHeadEnd();
        if (headEnd < 0) {
            if (end - start >= MAX_HEAD_BYTES) {
                boolean head = equalsAscii(start, Math.min(end, start + 5), "HEAD ");
                reset();
                method = head ? HEAD : OTHER_METHOD;
                error = 431;
                start = end;
                scanned = end;
                return true;
            }
            return false;
        }
        parse(start, headEnd);
        start = headEnd;
        scanned = headEnd;
        return true;
    }

    /** Index just after the blank line ending the head that begins at {@code start}, or -1. */
    private int findHeadEnd() {
        // Skip empty lines before a request line (RFC 9112 2.2 allows a server to ignore them).
        while (start < end && (buf[start] == '\r' || buf[start] == '\n')) {
            start++;
        }
        // A head ends with LF LF or LF CR LF: resume two bytes before where the last scan stopped.
        for (int i = Math.max(start, scanned - 2); i < end; i++) {
            if (buf[i] == '\n') {
                if (i + 1 < end && buf[i + 1] == '\n') {
                    return i + 2;
                }
                if (i + 2 < end && buf[i + 1] == '\r' && buf[i + 2] == '\n') {
                    return i + 3;
                }
            }
        }
        scanned = end;
        return -1;
    }

    private void reset() {
        method = OTHER_METHOD;
        targetFrom = 0;
        targetTo = 0;
        keepAlive = false;
        http10KeepAlive = false;
        hasBody = false;
        error = 0;
        authOffset = -1;
        authLength = 0;
        contentLength = -1;
        http11 = false;
        hosts = 0;
        asked = ASKED_NOTHING;
    }

    private void parse(int from, int to) {
        reset();
        if (equalsAscii(from, Math.min(to, from + 5), "HEAD ")) {
            method = HEAD; // known even when the rest of the request line is malformed: its 400 carries no body
        }
        int lineEnd = lineEnd(from, to);
        if (!parseRequestLine(from, trimCr(from, lineEnd))) {
            keepAlive = false;
            return;
        }
        int pos = lineEnd + 1;
        while (pos < to) {
            int le = lineEnd(pos, to);
            int stop = trimCr(pos, le);
            if (stop == pos) {
                break; // the blank line
            }
            if (!parseHeader(pos, stop)) {
                error = 400;
                keepAlive = false;
                return;
            }
            pos = le + 1;
        }
        if (http11) {
            keepAlive = asked != ASKED_CLOSE;
            if (hosts != 1) {
                error = 400; // RFC 9112 3.2: an HTTP/1.1 request has exactly one Host
                keepAlive = false;
                return;
            }
        } else {
            keepAlive = asked == ASKED_KEEP_ALIVE;
            http10KeepAlive = keepAlive;
            if (hosts > 1) {
                error = 400;
                keepAlive = false;
                return;
            }
        }
        if (hasBody) {
            keepAlive = false;
        }
    }

    private int lineEnd(int from, int to) {
        for (int i = from; i < to; i++) {
            if (buf[i] == '\n') {
                return i;
            }
        }
        return to;
    }

    private int trimCr(int from, int lineEnd) {
        return lineEnd > from && buf[lineEnd - 1] == '\r' ? lineEnd - 1 : lineEnd;
    }

    private boolean parseRequestLine(int from, int to) {
        int sp1 = indexOf(' ', from, to);
        int sp2 = sp1 < 0 ? -1 : indexOf(' ', sp1 + 1, to);
        if (sp1 <= from || sp2 < 0 || sp2 == sp1 + 1 || indexOf(' ', sp2 + 1, to) >= 0) {
            error = 400; // also HTTP/0.9 ("GET /live" without a version)
            return false;
        }
        for (int i = from; i < sp1; i++) {
            if (!isTokenChar(buf[i])) {
                error = 400;
                return false;
            }
        }
        if (equalsAscii(from, sp1, "GET")) {
            method = GET;
        } else if (equalsAscii(from, sp1, "HEAD")) {
            method = HEAD;
        } else {
            method = OTHER_METHOD;
        }
        if (!parseVersion(sp2 + 1, to)) {
            return false;
        }
        parseTarget(sp1 + 1, sp2);
        return error == 0;
    }

    private boolean parseVersion(int from, int to) {
        if (to - from != 8 || !equalsAscii(from, from + 5, "HTTP/") || !isDigit(buf[from + 5])
                || buf[from + 6] != '.' || !isDigit(buf[from + 7])) {
            error = 400;
            return false;
        }
        if (buf[from + 5] == '1') {
            http11 = buf[from + 7] != '0'; // HTTP/1.1, and a later 1.x answered as 1.1 (RFC 9112, section 2.3)
        } else {
            error = 505;
            return false;
        }
        return true;
    }

    private void parseTarget(int from, int to) {
        if (to - from > 7 && equalsAsciiIgnoreCase(from, from + 7, "http://")) {
            int slash = indexOf('/', from + 7, to);
            if (slash < 0) {
                return;
            }
            from = slash;
        }
        if (buf[from] != '/') {
            if (!(to - from == 1 && buf[from] == '*')) {
                error = 400;
            }
            return;
        }
        for (int i = from; i < to; i++) {
            byte b = buf[i];
            if (b < 0x21 || b == 0x7f) { // controls, and (as negative bytes) anything not ASCII
                error = 400;
                return;
            }
        }
        targetFrom = from;
        targetTo = to;
    }

    /** The request target as text (tests). */
    String target() {
        return new String(buf, targetFrom, targetTo - targetFrom, java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** True when the request names a target that starts with {@code /}. */
    boolean hasTarget() {
        return targetTo > targetFrom;
    }

    private boolean parseHeader(int from, int to) {
        int colon = indexOf(':', from, to);
        if (colon <= from) {
            return false;
        }
        for (int i = from; i < colon; i++) {
            if (!isTokenChar(buf[i])) {
                return false; // includes obsolete line folding (a line starting with a space)
            }
        }
        int vs = colon + 1;
        int ve = to;
        while (vs < ve && (buf[vs] == ' ' || buf[vs] == '\t')) {
            vs++;
        }
        while (ve > vs && (buf[ve - 1] == ' ' || buf[ve - 1] == '\t')) {
            ve--;
        }
        for (int i = vs; i < ve; i++) {
            byte b = buf[i];
            if (b >= 0 && b < 0x20 && b != '\t' || b == 0x7f) {
                return false; // NUL, a bare CR or another control inside a value (RFC 9110, section 5.5)
            }
        }
        if (equalsAsciiIgnoreCase(from, colon, "content-length")) {
            if (ve == vs || ve - vs > 18) {
                return false;
            }
            long value = 0;
            for (int i = vs; i < ve; i++) {
                if (!isDigit(buf[i])) {
                    return false;
                }
                value = value * 10 + (buf[i] - '0');
            }
            if (contentLength >= 0 && contentLength != value) {
                return false;
            }
            contentLength = value;
            hasBody |= value > 0;
        } else if (equalsAsciiIgnoreCase(from, colon, "transfer-encoding")) {
            hasBody = true;
        } else if (equalsAsciiIgnoreCase(from, colon, "connection")) {
            // Each Connection header replaces what an earlier one asked; within one, close wins.
            if (containsIgnoreCase(vs, ve, "close")) {
                asked = ASKED_CLOSE;
            } else if (containsIgnoreCase(vs, ve, "keep-alive")) {
                asked = ASKED_KEEP_ALIVE;
            }
        } else if (equalsAsciiIgnoreCase(from, colon, "host")) {
            hosts++;
        } else if (equalsAsciiIgnoreCase(from, colon, "authorization")) {
            authOffset = vs;
            authLength = ve - vs;
        }
        return true;
    }

    /**
     * Whether the request carried {@code Authorization: Bearer <expected>}. Compares in time that
     * depends only on the presented token's length, never on where it differs.
     */
    boolean bearerMatches(byte[] expected) {
        if (authOffset < 0 || authLength <= 7 || !equalsAsciiIgnoreCase(authOffset, authOffset + 7, "bearer ")) {
            return false;
        }
        int off = authOffset + 7;
        int len = authLength - 7;
        int diff = expected.length ^ len;
        for (int i = 0; i < len; i++) {
            diff |= expected[i % expected.length] ^ buf[off + i];
        }
        return diff == 0;
    }

    private int indexOf(char c, int from, int to) {
        for (int i = from; i < to; i++) {
            if (buf[i] == c) {
                return i;
            }
        }
        return -1;
    }

    private boolean equalsAscii(int from, int to, String s) {
        if (to - from != s.length()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (buf[from + i] != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private boolean equalsAsciiIgnoreCase(int from, int to, String lower) {
        if (to - from != lower.length()) {
            return false;
        }
        for (int i = 0; i < lower.length(); i++) {
            int b = buf[from + i];
            if (b >= 'A' && b <= 'Z') {
                b += 'a' - 'A';
            }
            if (b != lower.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private boolean containsIgnoreCase(int from, int to, String lower) {
        for (int i = from; i + lower.length() <= to; i++) {
            if (equalsAsciiIgnoreCase(i, i + lower.length(), lower)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    /** RFC 9110 tchar. */
    private static boolean isTokenChar(byte b) {
        if (b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9') {
            return true;
        }
        switch (b) {
            case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+':
            case '-': case '.': case '^': case '_': case '`': case '|': case '~':
                return true;
            default:
                return false;
        }
    }
}
