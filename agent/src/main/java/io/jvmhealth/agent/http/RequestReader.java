package io.jvmhealth.agent.http;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.concurrent.TimeUnit;

/**
 * Reads and parses request heads from one connection, within a deadline and a size limit, into
 * fields of this object (no strings, maps or other garbage per request). Bodies are never read:
 * a request that announces one is marked so the connection can answer and close.
 *
 * <p>It understands just what a health endpoint needs: the method, the path, the HTTP version,
 * {@code Connection}, {@code Content-Length}, {@code Transfer-Encoding} and {@code Authorization}.
 * Anything malformed is reported as an HTTP error code in {@link #error}.
 */
final class RequestReader {
    /** Largest request head (request line and headers) accepted; larger gets 431. */
    static final int MAX_HEAD_BYTES = 8192;

    static final int GET = 1;
    static final int HEAD = 2;
    static final int OTHER_METHOD = 3;

    private final InputStream in;
    private final Socket socket;
    private final byte[] buf = new byte[MAX_HEAD_BYTES];
    private int start;
    private int end;

    // The current request, valid after next() returned true.
    int method;
    /** The request target ({@code /path?query}, absolute form reduced to its path) is {@code buf[targetFrom, targetTo)}; empty when none. */
    int targetFrom;
    int targetTo;
    boolean keepAlive;
    boolean http10KeepAlive;
    boolean hasBody;
    /** 0 when the request is well formed; otherwise the status code to answer before closing. */
    int error;
    int authOffset;
    int authLength;
    private long contentLength;

    /** @param socket whose read timeout enforces the deadline; null when {@code in} cannot block (tests) */
    RequestReader(InputStream in, Socket socket) {
        this.in = in;
        this.socket = socket;
    }

    byte[] buffer() {
        return buf;
    }

    /**
     * Reads the next request head. Returns false when the connection should close without an
     * answer: end of stream, or the deadline passed.
     */
    boolean next(long deadlineNanos) throws IOException {
        int headEnd;
        while ((headEnd = findHeadEnd()) < 0) {
            if (end - start >= MAX_HEAD_BYTES) {
                reset();
                error = 431;
                return true;
            }
            if (start > 0) {
                System.arraycopy(buf, start, buf, 0, end - start);
                end -= start;
                start = 0;
            }
            long remaining = deadlineNanos - System.nanoTime();
            if (remaining <= 0) {
                return false;
            }
            if (socket != null) {
                socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(remaining))));
            }
            int n;
            try {
                n = in.read(buf, end, buf.length - end);
            } catch (SocketTimeoutException e) {
                return false;
            }
            if (n < 0) {
                return false;
            }
            end += n;
        }
        parse(start, headEnd);
        start = headEnd;
        return true;
    }

    /** Index just after the blank line ending the head that begins at {@code start}, or -1. */
    private int findHeadEnd() {
        // Skip empty lines before a request line (RFC 9112 2.2 allows a server to ignore them).
        while (start < end && (buf[start] == '\r' || buf[start] == '\n')) {
            start++;
        }
        for (int i = start; i < end; i++) {
            if (buf[i] == '\n') {
                if (i + 1 < end && buf[i + 1] == '\n') {
                    return i + 2;
                }
                if (i + 2 < end && buf[i + 1] == '\r' && buf[i + 2] == '\n') {
                    return i + 3;
                }
            }
        }
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
    }

    private void parse(int from, int to) {
        reset();
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
        if (buf[from + 5] == '1' && buf[from + 7] == '0') {
            keepAlive = false;
        } else if (buf[from + 5] == '1') {
            keepAlive = true; // HTTP/1.1, and a later 1.x answered as 1.1 (RFC 9112, section 2.3)
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
            if (containsIgnoreCase(vs, ve, "close")) {
                keepAlive = false;
            } else if (containsIgnoreCase(vs, ve, "keep-alive") && !keepAlive) {
                keepAlive = true;
                http10KeepAlive = true;
            }
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
