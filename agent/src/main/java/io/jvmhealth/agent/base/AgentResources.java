package io.jvmhealth.agent.base;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/** Reads entries of the agent's own jar (class bytes to define elsewhere, the nested instrumentation jar). */
public final class AgentResources {
    private AgentResources() {
    }

    /**
     * The whole resource, or null when the agent's jar has none of that name. Where the size is known (an entry of
     * a jar: the agent's is stored, so always) the bytes are read into an array of exactly that size, once.
     *
     * @param initialBytes the buffer to start with when the size is not known (about the expected size)
     * @param maxBytes     more than this is refused with an IOException, never read into memory
     */
    public static byte[] read(String resource, int initialBytes, long maxBytes) throws IOException {
        ClassLoader agent = AgentResources.class.getClassLoader();
        java.net.URL url = agent == null ? ClassLoader.getSystemResource(resource) : agent.getResource(resource);
        if (url == null) {
            return null;
        }
        java.net.URLConnection connection = url.openConnection();
        long size = connection.getContentLengthLong();
        if (size > maxBytes) {
            throw new IOException(resource + " holds more than " + maxBytes + " bytes");
        }
        try (InputStream in = connection.getInputStream()) {
            if (size >= 0) {
                byte[] exact = new byte[(int) size];
                int at = 0;
                int n;
                while (at < exact.length && (n = in.read(exact, at, exact.length - at)) > 0) {
                    at += n;
                }
                if (at == exact.length && in.read() < 0) {
                    return exact;
                }
                throw new IOException(resource + " is not " + size + " bytes long as its entry says");
            }
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
