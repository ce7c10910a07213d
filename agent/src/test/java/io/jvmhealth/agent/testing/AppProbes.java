package io.jvmhealth.agent.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * Whether an application of sample-target/apps serves, asked in its own protocol on 127.0.0.1: HTTP ({@code GET} 200),
 * HTTP/2 (gRPC: the connection preface answered by a SETTINGS frame), ZooKeeper ({@code srvr} says a mode), or a line
 * its host printed.
 */
public final class AppProbes {
    private AppProbes() {
    }

    /** {@code GET path} answered 200 within {@code readTimeout}. */
    public static boolean http(int port, String path, Duration readTimeout) {
        return GateWindow.probe(port, path, readTimeout) == GateWindow.Answer.OK;
    }

    /** An HTTP/2 server (gRPC) answers the client's connection preface and an empty SETTINGS frame with its own SETTINGS. */
    public static boolean http2(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            s.setSoTimeout(2000);
            OutputStream out = s.getOutputStream();
            out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0}); // SETTINGS, no parameters
            out.flush();
            byte[] header = s.getInputStream().readNBytes(9);
            return header.length == 9 && header[3] == 4;
        } catch (IOException e) {
            return false;
        }
    }

    /** The {@code Mode:} of ZooKeeper's {@code srvr} four-letter word (standalone, leader, follower), or null. */
    public static String zooKeeperMode(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            s.setSoTimeout(2000);
            s.getOutputStream().write("srvr".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
                if (line.startsWith("Mode: ")) {
                    return line.substring(6).trim();
                }
            }
            return null;
        } catch (IOException e) {
            return null;
        }
    }

    /** Whether the host printed a line starting with {@code prefix}. */
    public static boolean printed(TargetJvm host, String prefix) {
        List<String> lines = host.stdoutLines();
        for (String l : lines) {
            if (l.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /** Waits until the host printed a line starting with {@code prefix}; fails if it exits first. */
    public static void awaitLine(TargetJvm host, String prefix, Duration timeout) {
        Poll.until("'" + prefix + "...' on stdout (" + host + ")", timeout, () -> {
            if (!host.process().isAlive()) {
                throw new AssertionError("the host exited with " + host.process().exitValue() + ": " + host);
            }
            return printed(host, prefix);
        }, b -> b);
    }
}
