package io.jvmhealth.agent.gates;

import java.io.IOException;
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

    /**
     * Adds the inodes of LISTEN sockets on {@code port} found in one /proc/net/tcp-format file, read as
     * {@link OwnListeners#listening} reads it: in small pieces and no further than the listening sockets, which the
     * kernel writes first. A whole read walks every connection of the host (a file of megabytes where thousands of
     * connections are in TIME_WAIT: seconds of kernel time under load, measured on 16,000 sockets).
     */
    static void listeningInodes(Path file, int port, Set<String> into) {
        java.util.Map<String, Integer> all = new java.util.HashMap<String, Integer>();
        OwnListeners.listening(file, all);
        onPort(all, port, into);
    }

    /** A table's bytes at once (tests): the LISTEN sockets on {@code port}. */
    static void parse(byte[] b, int length, int port, Set<String> into) {
        java.util.Map<String, Integer> all = new java.util.HashMap<String, Integer>();
        OwnListeners.parse(b, length, all);
        onPort(all, port, into);
    }

    private static void onPort(java.util.Map<String, Integer> listening, int port, Set<String> into) {
        for (java.util.Map.Entry<String, Integer> e : listening.entrySet()) {
            if (e.getValue() == port) {
                into.add(e.getKey());
            }
        }
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

    private static boolean acceptsOnLoopback(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port), CONNECT_TIMEOUT_MILLIS);
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
