package io.jvmhealth.agent.http;

import java.nio.charset.StandardCharsets;

/** The paths the agent serves; routing is by this enum, never by position in an array. */
enum Endpoint {
    LIVE("/live"),
    READY("/ready"),
    STARTED("/started"),
    HEALTH("/health");

    final String path;
    final byte[] pathBytes;

    Endpoint(String path) {
        this.path = path;
        this.pathBytes = path.getBytes(StandardCharsets.US_ASCII);
    }

    /** The endpoint whose path is exactly {@code buf[from, to)}, or null. */
    static Endpoint match(byte[] buf, int from, int to) {
        for (Endpoint e : values()) {
            byte[] p = e.pathBytes;
            if (to - from != p.length) {
                continue;
            }
            int i = 0;
            while (i < p.length && buf[from + i] == p[i]) {
                i++;
            }
            if (i == p.length) {
                return e;
            }
        }
        return null;
    }
}
