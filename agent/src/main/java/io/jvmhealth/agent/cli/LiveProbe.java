package io.jvmhealth.agent.cli;

import io.jvmhealth.agent.base.AgentLog;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** Asks an agent's {@code /live} until it answers with any HTTP status, or a deadline passes. */
final class LiveProbe {
    private LiveProbe() {
    }

    /** The first HTTP status {@code /live} answered, or -1 and the last failure. */
    static final class Result {
        final int status;
        final String failure;

        Result(int status, String failure) {
            this.status = status;
            this.failure = failure;
        }
    }

    static Result await(String baseUrl, long deadlineMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(deadlineMillis);
        String failure = "no attempt";
        while (true) {
            try {
                return new Result(get(baseUrl), null);
            } catch (IOException | RuntimeException e) {
                failure = AgentLog.describe(e);
            }
            if (System.nanoTime() - deadline > 0) {
                return new Result(-1, failure);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }

    /** One {@code GET /live}; returns the status code. */
    static int get(String baseUrl) throws IOException {
        URI uri = URI.create(baseUrl);
        String host = uri.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, uri.getPort()), 2000);
            socket.setSoTimeout(3000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /live HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort() + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder line = new StringBuilder();
            int b;
            while ((b = in.read()) >= 0 && b != '\n' && line.length() < 200) {
                line.append((char) b);
            }
            String[] parts = line.toString().trim().split(" ");
            if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
                throw new IOException("not an HTTP answer: '" + line.toString().trim() + "'");
            }
            return Integer.parseInt(parts[1]);
        }
    }
}
