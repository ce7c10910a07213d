package io.jvmhealth.agent.http;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * Caps open connections per remote address, so one slow or hostile client cannot occupy every
 * worker: the rest stay free for the kubelet's probes, which come from another address.
 */
final class ConnectionLimiter {
    private final int perAddress;
    private final Map<InetAddress, int[]> open = new HashMap<>();

    ConnectionLimiter(int perAddress) {
        this.perAddress = perAddress;
    }

    /** Counts a new connection from {@code address}; false (and nothing counted) when over the cap. */
    synchronized boolean tryAcquire(InetAddress address) {
        int[] count = open.get(address);
        if (count == null) {
            open.put(address, new int[] {1});
            return true;
        }
        if (count[0] >= perAddress) {
            return false;
        }
        count[0]++;
        return true;
    }

    synchronized void release(InetAddress address) {
        int[] count = open.get(address);
        if (count != null && --count[0] <= 0) {
            open.remove(address);
        }
    }

    synchronized int openConnections() {
        int total = 0;
        for (int[] c : open.values()) {
            total += c[0];
        }
        return total;
    }
}
