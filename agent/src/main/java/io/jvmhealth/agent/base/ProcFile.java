package io.jvmhealth.agent.base;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Reads one small kernel file ({@code /sys/fs/cgroup/...}, {@code /proc/self/...}) into a buffer it
 * keeps, and finds numbers in it without building strings: a cgroup read per interval costs one
 * open, one or two reads and no garbage beyond the stream object. Files longer than the buffer are
 * cut at its size (the files read here are a few hundred bytes to a few KB). Not thread-safe: one
 * instance per check, used on the evaluator thread.
 */
public final class ProcFile {
    /** This process's resource limits; {@link #MAX_OPEN_FILES} is the soft limit of descriptors there. */
    public static final String LIMITS = "/proc/self/limits";
    public static final String MAX_OPEN_FILES = "Max open files";

    /** The value of a key that is absent, or of a number that does not parse. */
    public static final long MISSING = Long.MIN_VALUE;

    private final String path;
    private final byte[] buf;
    private int len;

    public ProcFile(String path, int capacity) {
        this.path = path;
        this.buf = new byte[capacity];
    }

    public String path() {
        return path;
    }

    /** Reads the file again; false (and empty contents) when it cannot be read. */
    public boolean read() {
        len = 0;
        try (FileInputStream in = new FileInputStream(path)) {
            int n;
            while (len < buf.length && (n = in.read(buf, len, buf.length - len)) > 0) {
                len += n;
            }
            return true;
        } catch (IOException | RuntimeException e) {
            len = 0;
            return false;
        }
    }

    /** The contents as text (for rarely read files and tests). */
    public String text() {
        return new String(buf, 0, len, StandardCharsets.US_ASCII);
    }

    /**
     * The number after {@code key} and white space on a line that starts with {@code key} (the shape
     * of {@code memory.stat} and {@code cpu.stat}); {@link #MISSING} when there is none.
     */
    public long value(String key) {
        int i = 0;
        while (i < len) {
            if (startsWith(i, key) && i + key.length() < len && (buf[i + key.length()] == ' ' || buf[i + key.length()] == '\t')) {
                return number(i + key.length());
            }
            while (i < len && buf[i] != '\n') {
                i++;
            }
            i++;
        }
        return MISSING;
    }

    /** The first number in the file (e.g. {@code memory.current}); {@link #MISSING} when there is none. */
    public long first() {
        return number(0);
    }

    /** The n-th (0-based) white-space separated word of the first line, as a number; MISSING if not a number. */
    public long word(int n) {
        int i = 0;
        for (int w = 0; w < n; w++) {
            while (i < len && buf[i] != ' ' && buf[i] != '\t' && buf[i] != '\n') {
                i++;
            }
            while (i < len && (buf[i] == ' ' || buf[i] == '\t')) {
                i++;
            }
        }
        return number(i);
    }

    /**
     * The n-th (0-based) white-space separated word after the last {@code marker} in the file, as a
     * number: {@code /proc/self/stat}'s fields after the command name in parentheses, which may itself
     * hold blanks and parentheses. MISSING when there is no such number.
     */
    public long wordAfterLast(char marker, int n) {
        int i = len - 1;
        while (i >= 0 && buf[i] != marker) {
            i--;
        }
        if (i < 0) {
            return MISSING;
        }
        i++;
        for (int w = 0; w <= n; w++) {
            while (i < len && (buf[i] == ' ' || buf[i] == '\t')) {
                i++;
            }
            if (w == n) {
                break;
            }
            while (i < len && buf[i] != ' ' && buf[i] != '\t' && buf[i] != '\n') {
                i++;
            }
        }
        return number(i);
    }

    /** True when the n-th word of the first line is exactly {@code text} (e.g. "max" in {@code cpu.max}). */
    public boolean wordIs(int n, String text) {
        int i = 0;
        for (int w = 0; w < n; w++) {
            while (i < len && buf[i] != ' ' && buf[i] != '\t' && buf[i] != '\n') {
                i++;
            }
            while (i < len && (buf[i] == ' ' || buf[i] == '\t')) {
                i++;
            }
        }
        if (!startsWith(i, text)) {
            return false;
        }
        int end = i + text.length();
        return end == len || buf[end] == ' ' || buf[end] == '\t' || buf[end] == '\n';
    }

    private boolean startsWith(int at, String key) {
        if (at + key.length() > len) {
            return false;
        }
        for (int k = 0; k < key.length(); k++) {
            if (buf[at + k] != key.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    /** Parses an optionally negative decimal number after optional blanks at {@code at}. */
    private long number(int at) {
        int i = at;
        while (i < len && (buf[i] == ' ' || buf[i] == '\t')) {
            i++;
        }
        boolean negative = i < len && buf[i] == '-';
        if (negative) {
            i++;
        }
        if (i >= len || buf[i] < '0' || buf[i] > '9') {
            return MISSING;
        }
        long v = 0;
        while (i < len && buf[i] >= '0' && buf[i] <= '9') {
            int d = buf[i] - '0';
            if (v > (Long.MAX_VALUE - d) / 10) {
                return Long.MAX_VALUE; // v1 writes "no limit" as a value near 2^63
            }
            v = v * 10 + d;
            i++;
        }
        return negative ? -v : v;
    }
}
