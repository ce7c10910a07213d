import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * SIGTERM -> {@code /ready} 503 (issue 20), over LAUNCHES launches of a host whose own shutdown takes a while
 * (sample-target/frameworks' ShutdownHost {@code wait}, its shutdown hook sleeping 1 s, so that the 503 can be
 * seen before the process ends). Per launch: the agent's /ready 200, 300 ms of quiet, then SIGTERM
 * (ProcessHandle.destroy) while a thread asks /ready in a tight loop (a new connection per request, as the kubelet).
 * Two figures per launch:
 * <ul>
 *   <li>published: the agent's own {@code /health/history} time of /ready's 200 -> 503 transition minus the epoch
 *       milliseconds just before the signal (1 ms resolution; the moment the snapshot saying 503 was published);</li>
 *   <li>seen: the arrival of the first 503 at the polling thread minus System.nanoTime just before the signal (adds
 *       the poll's own period, a fraction of a millisecond on a quiet machine).</li>
 * </ul>
 * Also the host's own shutdown hook, as the host prints it (the JDK's part of the path: on JDK 21+ {@code Shutdown.exit}
 * first initializes {@code System.Logger} in a JVM that never used it, before any hook runs).
 *
 * <pre>java ShutdownLatency JAVA AGENT_JAR CLASSPATH LAUNCHES LABEL [MORE_AGENT_OPTIONS]</pre>
 * Prints one Markdown table row: label, launches, median and max of each figure, exit codes.
 */
public final class ShutdownLatency {
    private static final String HOST = "io.jvmhealth.hosts.shutdown.ShutdownHost";

    public static void main(String[] args) throws Exception {
        String java = args[0];
        String agent = args[1];
        String cp = args[2];
        int launches = Integer.parseInt(args[3]);
        String label = args[4];
        String more = args.length > 5 && !args[5].isEmpty() ? "," + args[5] : "";
        List<Long> published = new ArrayList<>();
        List<Long> seen = new ArrayList<>();
        List<Long> hook = new ArrayList<>();
        List<Integer> codes = new ArrayList<>();
        for (int i = 0; i < launches; i++) {
            long[] r = launch(java, agent + "=port=0,interval=5s" + more, cp);
            published.add(r[0]);
            seen.add(r[1]);
            if (r[2] >= 0) {
                hook.add(r[2]);
            }
            codes.add((int) r[3]);
            System.err.printf("[shutdown-bench] %s launch %d: published %d ms, seen %.2f ms, host hook %s, exit %d%n", label, i + 1,
                    r[0], r[1] / 1e6, r[2] < 0 ? "-" : String.format("%.2f ms", r[2] / 1e6), r[3]);
        }
        System.out.printf("| %s | %d | %d ms | %d ms | %.1f ms | %.1f ms | %s | %s |%n", label, launches, median(published), max(published),
                median(seen) / 1e6, max(seen) / 1e6, hook.isEmpty() ? "-" : String.format("%.1f / %.1f ms", median(hook) / 1e6, max(hook) / 1e6),
                new java.util.TreeSet<>(codes));
    }

    private static long median(List<Long> values) {
        List<Long> s = new ArrayList<>(values);
        Collections.sort(s);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    private static long max(List<Long> values) {
        return Collections.max(values);
    }

    /** {published ms, seen nanos, host hook nanos or -1, exit code}. */
    private static long[] launch(String java, String agentSpec, String cp) throws Exception {
        Process p = new ProcessBuilder(java, "-Xshare:auto", "-Dhost.hook.millis=1000", "-javaagent:" + agentSpec, "-cp", cp, HOST, "wait")
                .redirectInput(ProcessBuilder.Redirect.PIPE).start();
        Lines out = Lines.pump(p.getInputStream());
        Lines err = Lines.pump(p.getErrorStream());
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            String url = null;
            while (url == null || !out.contains("ready")) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("no agent URL / 'ready' within 60 s: " + err.all());
                }
                url = err.find("serving /live /ready /started /health at ");
                LockSupport.parkNanos(5_000_000);
            }
            url = url.substring(url.indexOf("http://"));
            url = url.substring(0, url.indexOf(' '));
            String hostPort = url.substring("http://".length(), url.length() - 1);
            String host = hostPort.substring(0, hostPort.lastIndexOf(':'));
            int port = Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1));
            while (status(host, port, "/ready") != 200) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("/ready not 200 within 60 s");
                }
                LockSupport.parkNanos(10_000_000);
            }
            LockSupport.parkNanos(300_000_000L);
            AtomicLong first503 = new AtomicLong();
            Thread poller = new Thread(() -> {
                while (first503.get() == 0) {
                    try {
                        if (status(host, port, "/ready") == 503) {
                            first503.set(System.nanoTime());
                        }
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "poller");
            poller.setDaemon(true);
            poller.start();
            LockSupport.parkNanos(20_000_000L);
            long sentMillis = System.currentTimeMillis();
            long sent = System.nanoTime();
            p.toHandle().destroy(); // SIGTERM; Process.destroy() would also close our ends of its stdout and stderr
            poller.join(10_000);
            long publishedAt = readyTransitionMillis(get(host, port, "/health/history"));
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the host did not exit within 30 s");
            }
            out.awaitEnd();
            String hookLine = out.find("host hook ");
            long hookNanos = hookLine == null ? -1 : Long.parseLong(hookLine.substring("host hook ".length()).trim()) - sent;
            if (first503.get() == 0) {
                throw new IllegalStateException("no /ready 503 seen; stderr " + err.all());
            }
            return new long[] {publishedAt - sentMillis, first503.get() - sent, hookNanos, p.exitValue()};
        } finally {
            p.destroyForcibly();
        }
    }

    /** The time of the last "/ready" 200 -> 503 transition in a /health/history body, epoch ms. */
    static long readyTransitionMillis(String history) {
        String marker = "\"check\":\"/ready\",\"from\":\"200\",\"to\":\"503\"";
        int at = history.lastIndexOf(marker);
        if (at < 0) {
            throw new IllegalStateException("no /ready 200 -> 503 in " + history);
        }
        int time = history.lastIndexOf("\"time\":\"", at);
        String iso = history.substring(time + 8, history.indexOf('"', time + 8));
        return Instant.parse(iso).toEpochMilli();
    }

    static int status(String host, int port, String path) throws IOException {
        String answer = request(host, port, path, 64);
        return Integer.parseInt(answer.substring(9, 12));
    }

    static String get(String host, int port, String path) throws IOException {
        return request(host, port, path, 1 << 20);
    }

    private static String request(String host, int port, String path, int max) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 2000);
            s.setSoTimeout(5000);
            OutputStream o = s.getOutputStream();
            o.write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            o.flush();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[Math.min(max, 65536)];
            StringBuilder b = new StringBuilder();
            int n;
            while (b.length() < max && (n = in.read(buf)) > 0) {
                b.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
                if (max <= 64 && b.length() >= 12) {
                    break;
                }
            }
            if (b.length() < 12) {
                throw new IOException("no status line");
            }
            return b.toString();
        }
    }

    /** A process stream's lines, read on a daemon thread. */
    static final class Lines {
        private final List<String> lines = new ArrayList<>();
        private final Thread thread;

        private Lines(InputStream in) {
            thread = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        synchronized (lines) {
                            lines.add(line);
                        }
                    }
                } catch (IOException ignored) {
                    // ended
                }
            }, "pump");
            thread.setDaemon(true);
            thread.start();
        }

        static Lines pump(InputStream in) {
            return new Lines(in);
        }

        boolean contains(String line) {
            synchronized (lines) {
                return lines.contains(line);
            }
        }

        String find(String prefix) {
            synchronized (lines) {
                for (String l : lines) {
                    int at = l.indexOf(prefix);
                    if (at >= 0) {
                        return l.substring(at);
                    }
                }
            }
            return null;
        }

        List<String> all() {
            synchronized (lines) {
                return new ArrayList<>(lines);
            }
        }

        void awaitEnd() throws InterruptedException {
            thread.join(5000);
        }
    }
}
