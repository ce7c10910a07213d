package io.jvmhealth.agent.gates;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashSet;
import java.util.Set;

/**
 * Tells whether THIS process listens on a TCP port. On Linux: the LISTEN sockets (state {@code 0A})
 * on that port are read from {@code /proc/net/tcp} and {@code /proc/net/tcp6} first, and only when
 * there is one are this process's descriptors ({@code /proc/self/fd/*} links {@code socket:[inode]})
 * matched against their inodes, so a poll while nothing listens costs two file reads. Elsewhere (no
 * {@code /proc/net/tcp}): a connection to the loopback address is tried with a short timeout; that
 * cannot tell which process listens, and is documented as such.
 */
public final class ListeningPorts {
    /** What was seen for one port. */
    public enum State {
        /** This JVM has a listening socket on the port. */
        LISTENING,
        /** No socket listens on the port. */
        NOT_LISTENING,
        /** Another process listens on the port, not this JVM. */
        OTHER_PROCESS,
        /** Fallback (no /proc): something accepts connections on loopback; which process is unknown. */
        ACCEPTS_CONNECTIONS
    }

    private static final int MAX_PROC_BYTES = 64 * 1024 * 1024;
    private static final int CONNECT_TIMEOUT_MILLIS = 200;

    private final Path tcp;
    private final Path tcp6;
    private final Path fdDir;

    public ListeningPorts() {
        this(Paths.get("/proc/net/tcp"), Paths.get("/proc/net/tcp6"), Paths.get("/proc/self/fd"));
    }

    ListeningPorts(Path tcp, Path tcp6, Path fdDir) {
        this.tcp = tcp;
        this.tcp6 = tcp6;
        this.fdDir = fdDir;
    }

    /**
     * Runs the whole path once (both tables, the descriptor scan) so that the poll that first sees a
     * port listening runs warm code: the first run loads the directory-stream classes, tens of ms.
     */
    void warmUp() {
        if (precise()) {
            Set<String> none = new HashSet<String>();
            none.add("0");
            listeningInodes(tcp, 0, new HashSet<String>());
            listeningInodes(tcp6, 0, new HashSet<String>());
            ownsAny(none);
        }
    }

    /** True where /proc/net/tcp can be read (Linux). */
    public boolean precise() {
        return Files.isReadable(tcp);
    }

    public State state(int port) {
        if (!precise()) {
            return acceptsOnLoopback(port) ? State.ACCEPTS_CONNECTIONS : State.NOT_LISTENING;
        }
        Set<String> inodes = new HashSet<String>();
        listeningInodes(tcp6, port, inodes); // Java's sockets are IPv6 (dual-stack) unless preferIPv4Stack
        listeningInodes(tcp, port, inodes);
        if (inodes.isEmpty()) {
            return State.NOT_LISTENING;
        }
        return ownsAny(inodes) ? State.LISTENING : State.OTHER_PROCESS;
    }

    /**
     * Linux: this process's descriptor that holds a LISTEN socket on {@code port}, as its {@code /proc/self/fd} link
     * and the link's text ({@code socket:[inode]}); null where none does (or no /proc). Costs what {@link #state}
     * costs. A watch then asks {@link #stillOpen} of it: one {@code readlink}, microseconds, where reading the socket
     * tables again costs the kernel milliseconds (it walks its whole connection hash table: about 6 ms measured with a
     * single socket on a machine whose table has 262,144 buckets).
     */
    public String[] listeningDescriptor(int port) {
        if (!precise()) {
            return null;
        }
        Set<String> inodes = new HashSet<String>();
        listeningInodes(tcp6, port, inodes);
        listeningInodes(tcp, port, inodes);
        return inodes.isEmpty() ? null : ownedBy(inodes);
    }

    /** Whether the descriptor {@link #listeningDescriptor} found still holds the same socket (false once closed or reused). */
    public static boolean stillOpen(String[] descriptor) {
        try {
            return Files.readSymbolicLink(Paths.get(descriptor[0])).toString().equals(descriptor[1]);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Adds the inodes of LISTEN sockets on {@code port} found in one /proc/net/tcp-format file. */
    static void listeningInodes(Path file, int port, Set<String> into) {
        byte[] data;
        try {
            data = read(file);
        } catch (IOException | RuntimeException e) {
            return; // no IPv6 table, for example
        }
        parse(data, data.length, port, into);
    }

    /**
     * Scans the table's bytes without building a string per line: hosts with many connections (thousands
     * of TIME_WAIT entries) make these files megabytes long. Fields: sl local_address rem_address st
     * tx:rx tr:when retrnsmt uid timeout inode ...; only lines in state 0A (LISTEN) are looked at further.
     */
    static void parse(byte[] b, int length, int port, Set<String> into) {
        int i = 0;
        // skip the header line
        while (i < length && b[i] != '\n') {
            i++;
        }
        i++;
        while (i < length) {
            int lineEnd = i;
            while (lineEnd < length && b[lineEnd] != '\n') {
                lineEnd++;
            }
            int f = 0;
            int localStart = -1;
            int localEnd = -1;
            int p = i;
            boolean listen = false;
            while (p < lineEnd) {
                while (p < lineEnd && b[p] == ' ') {
                    p++;
                }
                int start = p;
                while (p < lineEnd && b[p] != ' ') {
                    p++;
                }
                if (start == p) {
                    break;
                }
                f++;
                if (f == 2) {
                    localStart = start;
                    localEnd = p;
                } else if (f == 4) {
                    listen = p - start == 2 && b[start] == '0' && (b[start + 1] == 'A' || b[start + 1] == 'a');
                    if (!listen || localPort(b, localStart, localEnd) != port) {
                        break;
                    }
                } else if (f == 10) {
                    into.add(new String(b, start, p - start, java.nio.charset.StandardCharsets.ISO_8859_1));
                    break;
                }
            }
            i = lineEnd + 1;
        }
    }

    /** The port of {@code ADDR:PPPP} (hex), or -1. */
    private static int localPort(byte[] b, int start, int end) {
        if (start < 0 || end - start < 6 || b[end - 5] != ':') {
            return -1;
        }
        int v = 0;
        for (int k = end - 4; k < end; k++) {
            int d = Character.digit(b[k], 16);
            if (d < 0) {
                return -1;
            }
            v = v * 16 + d;
        }
        return v;
    }

    private boolean ownsAny(Set<String> inodes) {
        return ownedBy(inodes) != null;
    }

    /** The first of this process's descriptors that is one of these sockets: {link path, link text}, or null. */
    private String[] ownedBy(Set<String> inodes) {
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(fdDir)) {
            for (Path fd : fds) {
                String target;
                try {
                    target = Files.readSymbolicLink(fd).toString();
                } catch (IOException | RuntimeException e) {
                    continue; // closed meanwhile
                }
                if (target.startsWith("socket:[") && target.endsWith("]")
                        && inodes.contains(target.substring(8, target.length() - 1))) {
                    return new String[] {fd.toString(), target};
                }
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return null;
    }

    static String hex4(int port) {
        String h = Integer.toHexString(port).toUpperCase(java.util.Locale.ROOT);
        while (h.length() < 4) {
            h = "0" + h;
        }
        return h;
    }

    private static byte[] read(Path file) throws IOException {
        // /proc files report size 0: read to the end, bounded.
        try (InputStream in = Files.newInputStream(file)) {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(65536);
            byte[] buf = new byte[65536];
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
                if (out.size() > MAX_PROC_BYTES) {
                    throw new IOException(file + " is larger than " + MAX_PROC_BYTES + " bytes");
                }
            }
            return out.toByteArray();
        }
    }

    private static boolean acceptsOnLoopback(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port), CONNECT_TIMEOUT_MILLIS);
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
