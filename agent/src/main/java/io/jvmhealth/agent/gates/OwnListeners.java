package io.jvmhealth.agent.gates;

import io.jvmhealth.agent.health.checks.platform.PlatformBeans;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every TCP port THIS JVM listens on, for the gates of applications whose port is only in their code (Vert.x, Netty,
 * gRPC, Micronaut): Linux only ({@code /proc}). The LISTEN sockets of the network namespace come from
 * {@code /proc/net/tcp6} and {@code /proc/net/tcp}, and are this process's when one of its descriptors
 * ({@code /proc/self/fd/*}, {@code socket:[inode]}) holds them; each socket's owner is looked up once.
 *
 * <p>Cost: reading those tables costs the kernel milliseconds whatever the number of sockets (it walks its whole
 * connection hash table, sized by the host's memory, not the pod's: 1.5-6 ms of CPU per table measured on the 2-core
 * development machine, with 4 and 133 entries). The listening sockets come first in each table, so each is read in
 * small pieces and only up to its first line in another state (0.26 ms instead of 1.5 ms for the 133 entries); and
 * {@link #read} reads them only when {@code /proc/net/sockstat}
 * and {@code sockstat6} say the namespace's count of TCP sockets in use changed (a socket started or stopped
 * listening or connecting; microseconds to read), at most once per {@link #COST_FACTOR} times the last read's CPU
 * time, and at least every {@link #FORCE_MILLIS} while it is asked (a change and its reverse between two looks leave
 * the counts alike). Once a listener is known, {@link #stillListening} is one {@code readlink} of its descriptor.
 * Not thread-safe: one instance per gate, used on the evaluator thread.
 */
public final class OwnListeners {
    /** One listening socket of this JVM. */
    public static final class Listener {
        public final int port;
        /** The socket's inode number, as the tables write it. */
        public final String inode;
        final Path fd;
        final String link;

        Listener(int port, String inode, String fd) {
            this.port = port;
            this.inode = inode;
            this.fd = Paths.get(fd);
            this.link = "socket:[" + inode + "]";
        }

        @Override
        public String toString() {
            return String.valueOf(port);
        }
    }

    static final int COST_FACTOR = 4;
    static final long FORCE_MILLIS = 2000;
    private static final int MAX_FOREIGN = 4096;

    private final Path tcp;
    private final Path tcp6;
    private final Path sockstat;
    private final Path sockstat6;
    private final Path fdDir;
    /** LISTEN sockets of other processes (by inode): never this JVM's. */
    private final Set<String> foreign = new HashSet<String>();
    /** This JVM's LISTEN sockets as last read, by inode. */
    private final Map<String, Listener> own = new LinkedHashMap<String, Listener>();
    private long lastInUse = Long.MIN_VALUE;
    private long lastReadNanos;
    private long lastReadCost;
    private boolean readOnce;
    private boolean dirty;
    private int tableReads;
    /** {@link #COST_FACTOR}; tests set 0. */
    int costFactor = COST_FACTOR;

    public OwnListeners() {
        this(Paths.get("/proc/net/tcp"), Paths.get("/proc/net/tcp6"), Paths.get("/proc/net/sockstat"),
                Paths.get("/proc/net/sockstat6"), Paths.get("/proc/self/fd"));
    }

    OwnListeners(Path tcp, Path tcp6, Path sockstat, Path sockstat6, Path fdDir) {
        this.tcp = tcp;
        this.tcp6 = tcp6;
        this.sockstat = sockstat;
        this.sockstat6 = sockstat6;
        this.fdDir = fdDir;
    }

    /** True where the tables can be read (Linux). */
    public boolean precise() {
        return new java.io.File(tcp.toString()).canRead(); // not NIO's Files: its classes cost the agent's start
    }

    /**
     * This JVM's listening sockets now, in table order (IPv6 first). Reads the tables when something may have changed
     * (see the class comment), else answers what the last read found; {@code force} reads them unless the last read
     * is too recent for its cost.
     */
    public List<Listener> read(boolean force) {
        long now = System.nanoTime();
        long inUse = inUse();
        boolean changed = inUse == Long.MIN_VALUE || inUse != lastInUse;
        lastInUse = inUse;
        dirty |= changed;
        boolean due = !readOnce || dirty || force || now - lastReadNanos >= FORCE_MILLIS * 1_000_000L;
        if (!due || readOnce && now - lastReadNanos < lastReadCost * costFactor) {
            return current();
        }
        dirty = false;
        long cpu = cpuNanos();
        Map<String, Integer> listening = new LinkedHashMap<String, Integer>();
        listening(tcp6, listening);
        listening(tcp, listening);
        boolean unknown = false;
        for (String inode : listening.keySet()) {
            if (!own.containsKey(inode) && !foreign.contains(inode)) {
                unknown = true;
                break;
            }
        }
        Map<String, String> fds = unknown ? socketDescriptors() : Collections.<String, String>emptyMap();
        own.keySet().retainAll(listening.keySet());
        for (Map.Entry<String, Integer> e : listening.entrySet()) {
            String inode = e.getKey();
            if (own.containsKey(inode) || foreign.contains(inode)) {
                continue;
            }
            String fd = fds.get(inode);
            if (fd != null) {
                own.put(inode, new Listener(e.getValue(), inode, fd));
            } else {
                if (foreign.size() >= MAX_FOREIGN) {
                    foreign.clear();
                }
                foreign.add(inode);
            }
        }
        long end = System.nanoTime();
        long used = cpuNanos() - cpu;
        lastReadCost = cpu < 0 ? end - now : used;
        lastReadNanos = end;
        readOnce = true;
        tableReads++;
        return current();
    }

    private List<Listener> current() {
        return own.isEmpty() ? Collections.<Listener>emptyList() : new ArrayList<Listener>(own.values());
    }

    /**
     * The inodes of every socket this process holds now (listening or not): the sockets that exist before an
     * application has started its server. One scan of {@code /proc/self/fd} (a readlink per descriptor: a millisecond
     * or two), no table read: the tables cost the kernel tens of ms of wall time on a loaded host, too much for the
     * agent's start.
     */
    public Set<String> socketInodes() {
        return new HashSet<String>(socketDescriptors().keySet());
    }

    /** How many times the tables were read (tests, details). */
    public int tableReads() {
        return tableReads;
    }

    /** Whether {@code l}'s descriptor still holds its socket: one {@code readlink} (false once it is closed or reused). */
    public static boolean stillListening(Listener l) {
        try {
            return Files.readSymbolicLink(l.fd).toString().equals(l.link);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** The namespace's TCP sockets in use (IPv4 and IPv6 counts combined), or {@link Long#MIN_VALUE} when unreadable. */
    long inUse() {
        long v4 = count(sockstat, "TCP: inuse ");
        long v6 = count(sockstat6, "TCP6: inuse ");
        if (v4 == Long.MIN_VALUE && v6 == Long.MIN_VALUE) {
            return Long.MIN_VALUE;
        }
        // two counts in one number: a change in either shows
        return (v4 == Long.MIN_VALUE ? 0 : v4) * 1_000_003L + (v6 == Long.MIN_VALUE ? 0 : v6);
    }

    private static long count(Path file, String key) {
        byte[] b;
        try {
            b = read(file, 4096);
        } catch (IOException | RuntimeException e) {
            return Long.MIN_VALUE;
        }
        String text = new String(b, StandardCharsets.US_ASCII);
        int at = text.indexOf(key);
        if (at < 0 || at > 0 && text.charAt(at - 1) != '\n') {
            return Long.MIN_VALUE;
        }
        long v = 0;
        int i = at + key.length();
        int digits = 0;
        while (i < text.length() && text.charAt(i) >= '0' && text.charAt(i) <= '9' && digits < 18) {
            v = v * 10 + (text.charAt(i) - '0');
            i++;
            digits++;
        }
        return digits == 0 ? Long.MIN_VALUE : v;
    }

    /**
     * Adds the LISTEN sockets of one /proc/net/tcp-format file: inode to port. The kernel writes the listening sockets
     * first and then walks its whole connection hash table for the others (the cost of these files); the file is read
     * in small pieces and no further than the first line that is not LISTEN, so the kernel stops there too.
     */
    static void listening(Path file, Map<String, Integer> into) {
        try (InputStream in = new java.io.FileInputStream(file.toString())) {
            byte[] data = new byte[READ_PIECE * 4];
            int length = 0;
            int lineStart = -1; // before the header line is skipped
            int n;
            while ((n = in.read(data, length, Math.min(READ_PIECE, data.length - length))) > 0) {
                length += n;
                int i = lineStart < 0 ? 0 : lineStart;
                while (true) {
                    int end = i;
                    while (end < length && data[end] != '\n') {
                        end++;
                    }
                    if (end >= length) {
                        break; // an incomplete line: read on
                    }
                    if (lineStart < 0) {
                        lineStart = 0; // the header
                    } else if (!line(data, i, end, into)) {
                        return; // past the listening sockets
                    }
                    i = end + 1;
                }
                // keep the incomplete rest at the start of the buffer (lines are about 150 bytes)
                System.arraycopy(data, i, data, 0, length - i);
                length -= i;
                lineStart = lineStart < 0 ? -1 : 0;
                if (length == data.length) {
                    return; // a line longer than the buffer: not a socket table
                }
            }
        } catch (IOException | RuntimeException e) {
            // no IPv6 table, for example
        }
    }

    /** Reads per read call: a few lines, so that the kernel walks no further than needed. */
    static final int READ_PIECE = 1024;

    /** All of a table's bytes at once (tests). */
    static void parse(byte[] b, int length, Map<String, Integer> into) {
        int i = 0;
        while (i < length && b[i] != '\n') {
            i++; // the header line
        }
        i++;
        while (i < length) {
            int end = i;
            while (end < length && b[end] != '\n') {
                end++;
            }
            if (!line(b, i, end, into)) {
                return;
            }
            i = end + 1;
        }
    }

    /**
     * One line: sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ...; a LISTEN one (state
     * 0A) adds its inode and port. False for a line in another state: the listening sockets are all written before.
     */
    private static boolean line(byte[] b, int from, int lineEnd, Map<String, Integer> into) {
        int f = 0;
        int port = -1;
        int p = from;
        while (p < lineEnd) {
            while (p < lineEnd && b[p] == ' ') {
                p++;
            }
            int start = p;
            while (p < lineEnd && b[p] != ' ') {
                p++;
            }
            if (start == p) {
                return true; // an empty line
            }
            f++;
            if (f == 2) {
                port = localPort(b, start, p);
            } else if (f == 4) {
                boolean listen = p - start == 2 && b[start] == '0' && (b[start + 1] == 'A' || b[start + 1] == 'a');
                if (!listen) {
                    return false;
                }
            } else if (f == 10) {
                if (port >= 0) {
                    into.put(new String(b, start, p - start, StandardCharsets.ISO_8859_1), port);
                }
                return true;
            }
        }
        return true;
    }

    /** The port of {@code ADDR:PPPP} (hex), or -1. */
    private static int localPort(byte[] b, int start, int end) {
        if (end - start < 6 || b[end - 5] != ':') {
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

    /** This process's socket descriptors: inode to the descriptor's path. */
    private Map<String, String> socketDescriptors() {
        Map<String, String> result = new HashMap<String, String>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(fdDir)) {
            for (Path fd : fds) {
                String target;
                try {
                    target = Files.readSymbolicLink(fd).toString();
                } catch (IOException | RuntimeException e) {
                    continue; // closed meanwhile
                }
                if (target.startsWith("socket:[") && target.endsWith("]")) {
                    result.put(target.substring(8, target.length() - 1), fd.toString());
                }
            }
        } catch (IOException | RuntimeException e) {
            return result;
        }
        return result;
    }

    private static byte[] read(Path file, int max) throws IOException {
        // /proc files report size 0: read to the end, bounded. A plain stream: NIO's costs class loading at the agent's start.
        try (InputStream in = new java.io.FileInputStream(file.toString())) {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(max < 65536 ? max : 65536);
            byte[] buf = new byte[max < 65536 ? max : 65536];
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
                if (out.size() > max) {
                    throw new IOException(file + " is larger than " + max + " bytes");
                }
            }
            return out.toByteArray();
        }
    }

    private static long cpuNanos() {
        try {
            return PlatformBeans.threads().getCurrentThreadCpuTime();
        } catch (Throwable e) {
            return -1;
        }
    }
}
