package io.jvmhealth.agent.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A deliberately small HTTP/1.1 client on a raw socket: one request per connection, exact bytes on
 * the wire, so tests see precisely what the agent answers (status, headers, body) and can send
 * requests that ordinary clients refuse to.
 */
public final class Http {
    private Http() {
    }

    /** An answer: status code, headers with lower-case names, body text. */
    public static final class Response {
        public final int status;
        public final Map<String, String> headers;
        public final String body;

        Response(int status, Map<String, String> headers, String body) {
            this.status = status;
            this.headers = headers;
            this.body = body;
        }

        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        public Map<String, Object> json() {
            return Json.parseObject(body);
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    public static Response get(String baseUrl, String path) throws IOException {
        return request(baseUrl, "GET", path, "");
    }

    public static Response head(String baseUrl, String path) throws IOException {
        return request(baseUrl, "HEAD", path, "");
    }

    /** Sends {@code METHOD path HTTP/1.1} with {@code extraHeaders} (each ending in CRLF) and Connection: close. */
    public static Response request(String baseUrl, String method, String path, String extraHeaders) throws IOException {
        URI uri = URI.create(baseUrl);
        String head = method + " " + path + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort() + "\r\n"
                + extraHeaders + "Connection: close\r\n\r\n";
        return exchange(uri.getHost(), uri.getPort(), head.getBytes(StandardCharsets.ISO_8859_1), "HEAD".equals(method));
    }

    /** Sends raw bytes and reads one response (until the server closes). */
    public static Response exchange(String host, int port, byte[] raw, boolean headOnly) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 2000);
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(raw);
            out.flush();
            return read(new BufferedInputStream(socket.getInputStream()), headOnly); // read() takes the head a byte at a time
        }
    }

    /**
     * Reads one response from {@code in}: head (a byte at a time, so that a kept-alive stream is left at the next
     * response; give it a buffered stream), then Content-Length bytes of body (none for HEAD).
     */
    public static Response read(InputStream in, boolean headOnly) throws IOException {
        ByteArrayOutputStream headBytes = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed before the end of the response head: "
                        + headBytes.toString("ISO-8859-1"));
            }
            headBytes.write(b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3)) ? matched + 1 : 0;
        }
        String[] lines = headBytes.toString("ISO-8859-1").split("\r\n");
        String[] statusLine = lines[0].split(" ", 3);
        int status = Integer.parseInt(statusLine[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
        }
        String body = "";
        String length = headers.get("content-length");
        if (!headOnly && length != null) {
            byte[] data = new byte[Integer.parseInt(length)];
            int off = 0;
            while (off < data.length) {
                int n = in.read(data, off, data.length - off);
                if (n < 0) {
                    throw new IOException("connection closed after " + off + " of " + data.length + " body bytes");
                }
                off += n;
            }
            body = new String(data, StandardCharsets.UTF_8);
        }
        return new Response(status, headers, body);
    }
}
