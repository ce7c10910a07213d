package io.jvmhealth.agent.http;

import fi.iki.elonen.NanoHTTPD;
import io.jvmhealth.agent.config.Details;
import io.jvmhealth.agent.health.Evaluator;
import io.jvmhealth.agent.health.HealthCheck;
import io.jvmhealth.agent.testing.StubCheck;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Collections;

/**
 * Run by {@link NoReverseLookupTest} in a JDK 18+ JVM whose name resolution goes through a counting
 * {@code InetAddressResolverProvider}: serves requests from non-loopback client addresses and prints
 * how many reverse lookups ({@code lookupByAddress}) happened, then the two controls that must count.
 */
public final class ReverseLookupProbe {
    private static final byte[] REQUEST = "GET /live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    public static void main(String[] args) throws Exception {
        HealthCheck ok = StubCheck.readiness("deadlock");
        Evaluator evaluator = new Evaluator(Collections.singletonList(ok), 1000);
        evaluator.evaluateOnce();
        HealthServer server = HealthServer.create(ListeningSocket.bind("0.0.0.0", 0), evaluator, Details.ALWAYS, null);

        server.start();
        // A real TCP connection from a non-loopback address of this machine, if it has one.
        InetAddress local = nonLoopback();
        if (local != null) {
            try (Socket s = new Socket()) {
                s.bind(new InetSocketAddress(local, 0));
                s.connect(new InetSocketAddress(local, server.port()), 2000);
                s.setSoTimeout(5000);
                s.getOutputStream().write(REQUEST);
                ByteArrayOutputStream got = new ByteArrayOutputStream();
                byte[] buf = new byte[1024];
                int n;
                while ((n = s.getInputStream().read(buf)) > 0) {
                    got.write(buf, 0, n);
                }
                String text = got.toString("ISO-8859-1");
                System.out.println("real-answer=" + text.substring(0, text.indexOf('\r')) + " from " + local.getHostAddress());
            }
        } else {
            System.out.println("real-answer=none (no non-loopback IPv4 address on this machine)");
        }
        server.stop();
        System.out.println("lookups-serving=" + lookups());

        // Control 1: NanoHTTPD's own session, handed the same kind of address, does look it up.
        InetAddress other = InetAddress.getByAddress(new byte[] {(byte) 203, 0, 113, 8});
        new PlainNanoHttpd().session(other);
        System.out.println("lookups-after-nanohttpd-session=" + lookups());

        // Control 2: asking a client address for its name counts too.
        InetAddress.getByAddress(new byte[] {(byte) 203, 0, 113, 7}).getHostName();
        System.out.println("lookups-after-getHostName=" + lookups());
    }

    private static int lookups() throws Exception {
        return ((java.util.concurrent.atomic.AtomicInteger) Class.forName("probe.CountingResolverProvider")
                .getField("REVERSE_LOOKUPS").get(null)).get();
    }

    private static InetAddress nonLoopback() throws Exception {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nic.isUp() || nic.isLoopback()) {
                continue;
            }
            for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
                    return a;
                }
            }
        }
        return null;
    }

    /** Stock NanoHTTPD, only to reach its protected session class. */
    private static final class PlainNanoHttpd extends NanoHTTPD {
        PlainNanoHttpd() {
            super(0);
        }

        void session(InetAddress client) {
            new HTTPSession(new DefaultTempFileManager(), new ByteArrayInputStream(REQUEST), new ByteArrayOutputStream(), client);
        }
    }
}
