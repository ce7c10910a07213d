package io.jvmhealth.agent.base;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads entries of the agent's own jar (class bytes to define elsewhere, the nested instrumentation jar), and any
 * stream whole into one array, bounded ({@link #readAll}: the main class's file, the cgroup files).
 */
public final class AgentResources {
    private AgentResources() {
    }

    /**
     * The whole resource, or null when the agent's jar has none of that name. Read through the agent's class loader,
     * which serves its own class files from the jar without a {@code jar:} URL.
     *
     * @param initialBytes the buffer to start with when the stream does not say (about the expected size)
     * @param maxBytes     more than this is refused with an IOException, never read into memory
     */
    public static byte[] read(String resource, int initialBytes, long maxBytes) throws IOException {
        ClassLoader agent = AgentResources.class.getClassLoader();
        InputStream stream = agent == null ? ClassLoader.getSystemResourceAsStream(resource) : agent.getResourceAsStream(resource);
        if (stream == null) {
            return null;
        }
        try (InputStream in = stream) {
            return readAll(resource, in, initialBytes, maxBytes);
        }
    }

    /**
     * Everything {@code in} holds (the caller closes it), in an array of exactly its length. The first array is as long
     * as the stream says is available (the whole entry, for a stored jar entry or a loader's own bytes), else
     * {@code initialBytes}; it doubles as needed, so the bytes are read once.
     *
     * @param what     named in the exception
     * @param maxBytes more than this is refused with an IOException, never read into memory
     */
    public static byte[] readAll(String what, InputStream in, int initialBytes, long maxBytes) throws IOException {
        int available = in.available();
        if (available > maxBytes) {
            throw new IOException(what + " holds more than " + maxBytes + " bytes");
        }
        byte[] bytes = new byte[(int) Math.max(1, Math.min(maxBytes, available > 0 ? available : initialBytes))];
        int at = 0;
        int n;
        while ((n = in.read(bytes, at, bytes.length - at)) > 0) {
            at += n;
            if (at == bytes.length) {
                int next = in.read();
                if (next < 0) {
                    return bytes;
                }
                if (at + 1L > maxBytes) {
                    throw new IOException(what + " holds more than " + maxBytes + " bytes");
                }
                bytes = Arrays.copyOf(bytes, (int) Math.min(maxBytes, Math.max(at + 1L, 2L * bytes.length)));
                bytes[at++] = (byte) next;
            }
        }
        return at == bytes.length ? bytes : Arrays.copyOf(bytes, at);
    }
}
