package io.jvmhealth.agent.base;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/** Reads entries of the agent's own jar (class bytes to define elsewhere, the nested Byte Buddy jar). */
public final class AgentResources {
    private AgentResources() {
    }

    /**
     * The whole resource, or null when the agent's jar has none of that name.
     *
     * @param initialBytes the buffer to start with (about the expected size: a small class or a few megabytes)
     * @param maxBytes     more than this is refused with an IOException, never read into memory
     */
    public static byte[] read(String resource, int initialBytes, long maxBytes) throws IOException {
        ClassLoader agent = AgentResources.class.getClassLoader();
        InputStream found = agent == null ? ClassLoader.getSystemResourceAsStream(resource) : agent.getResourceAsStream(resource);
        if (found == null) {
            return null;
        }
        try (InputStream in = found) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(initialBytes);
            byte[] buf = new byte[Math.min(initialBytes, 64 * 1024)];
            int n;
            while ((n = in.read(buf)) > 0) {
                if (out.size() + n > maxBytes) {
                    throw new IOException(resource + " holds more than " + maxBytes + " bytes");
                }
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        }
    }
}
