import java.io.BufferedReader;
import java.io.File;
import java.io.FileWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The benchmark's launcher and poller, kept warm in its own JVM so that what it measures is the host.
 *
 * <pre>
 * Probe freeport                                      prints a free TCP port
 * Probe wait URL TIMEOUT_MS                           polls URL until it answers 200 (exit 0) or the time is up (exit 1)
 * Probe launch RUNS IDLE_MS OUT SPEC                   SPEC has one subject a line: SUBJECT TAB PATH TAB CMD words separated
 *                                                     by TAB. RUNS rounds, each launching every subject once in turn (so
 *                                                     that noise from other work on the machine spreads over all subjects).
 *                                                     Per launch: a free port replaces {port} in CMD, CMD starts, PATH
 *                                                     (or "-" for none) is polled every millisecond until it answers 200
 *                                                     ("first200_ms"), then at IDLE_MS after the launch VmRSS
 *                                                     ("rss_kb") and Threads ("threads") are read from /proc/PID/status
 * Probe attach RUNS OUT AGENT_JAR -- HOST_CMD         per run: HOST_CMD starts (no agent) and prints its first line;
 *                                                     then "java -jar AGENT_JAR attach PID port=0" runs, and the time
 *                                                     until the URL it printed answers /live with 200 is "attach_ms"
 * </pre>
 * Results are appended to OUT as lines {@code metric TAB subject TAB value}.
 */
public final class Probe {
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long START_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "freeport":
                System.out.println(freePort());
                break;
            case "wait":
                URI uri = URI.create(args[1]);
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Long.parseLong(args[2]));
                System.exit(waitFor200(uri.getHost(), uri.getPort(), uri.getRawPath(), deadline, null) ? 0 : 1);
                break;
            case "launch":
                List<String[]> spec = new ArrayList<>();
                for (String line : Files.readAllLines(Paths.get(args[4]), StandardCharsets.UTF_8)) {
                    if (!line.trim().isEmpty()) {
                        spec.add(line.split("\t"));
                    }
                }
                for (int round = 0; round < Integer.parseInt(args[1]); round++) {
                    for (String[] subject : spec) {
                        launch(subject[0], 1, Long.parseLong(args[2]), subject[1], args[3],
                                Arrays.asList(subject).subList(2, subject.length));
                    }
                }
                break;
            case "attach":
                attach(Integer.parseInt(args[1]), args[2], args[3], command(args, 4));
                break;
            default:
                throw new IllegalArgumentException("unknown mode " + args[0]);
        }
    }

    private static List<String> command(String[] args, int from) {
        if (!"--".equals(args[from])) {
            throw new IllegalArgumentException("expected -- before the command");
        }
        return Arrays.asList(args).subList(from + 1, args.length);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void launch(String subject, int runs, long idleMillis, String path, String out, List<String> template)
            throws Exception {
        for (int run = 0; run < runs; run++) {
            int port = freePort();
            List<String> cmd = new ArrayList<>();
            for (String word : template) {
                cmd.add(word.replace("{port}", Integer.toString(port)));
            }
            ProcessBuilder pb = new ProcessBuilder(cmd)
                    .redirectInput(new File("/dev/null"))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD);
            long t0 = System.nanoTime();
            Process p = pb.start();
            try {
                if (!"-".equals(path)) {
                    long[] at = new long[1];
                    if (!waitFor200("127.0.0.1", port, path, t0 + START_TIMEOUT_NANOS, at)) {
                        throw new IllegalStateException(subject + ": no 200 from " + path + " within 30 s: " + cmd);
                    }
                    record(out, "first200_ms", subject, (at[0] - t0) / 1e6);
                }
                long idleUntil = t0 + TimeUnit.MILLISECONDS.toNanos(idleMillis);
                long now;
                while ((now = System.nanoTime()) < idleUntil) {
                    LockSupport.parkNanos(idleUntil - now);
                }
                String status = new String(Files.readAllBytes(Paths.get("/proc/" + p.pid() + "/status")), StandardCharsets.US_ASCII);
                record(out, "rss_kb", subject, field(status, "VmRSS"));
                record(out, "threads", subject, field(status, "Threads"));
            } finally {
                stop(p);
            }
        }
    }

    private static void attach(int runs, String out, String agentJar, List<String> hostCmd) throws Exception {
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        Pattern url = Pattern.compile("(http://[^\\s/]+)/?");
        for (int run = 0; run < runs; run++) {
            Process host = new ProcessBuilder(hostCmd).redirectInput(new File("/dev/null"))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            try {
                BufferedReader hostOut = new BufferedReader(new InputStreamReader(host.getInputStream(), StandardCharsets.UTF_8));
                String first = hostOut.readLine();
                if (first == null) {
                    throw new IllegalStateException("host ended before printing: " + hostCmd);
                }
                long t0 = System.nanoTime();
                Process cli = new ProcessBuilder(java, "-jar", agentJar, "attach", Long.toString(host.pid()), "port=0")
                        .redirectInput(new File("/dev/null")).redirectErrorStream(true).start();
                String printed = new String(readAll(cli.getInputStream()), StandardCharsets.UTF_8);
                int code = cli.waitFor();
                Matcher m = url.matcher(printed);
                if (code != 0 || !m.find()) {
                    throw new IllegalStateException("attach exited " + code + " printing: " + printed.trim());
                }
                URI uri = URI.create(m.group(1) + "/live");
                long[] at = new long[1];
                if (!waitFor200(uri.getHost(), uri.getPort(), uri.getRawPath(), t0 + START_TIMEOUT_NANOS, at)) {
                    throw new IllegalStateException("no 200 from " + uri + " within 30 s of attach");
                }
                record(out, "attach_ms", "ours", (at[0] - t0) / 1e6);
            } finally {
                stop(host);
            }
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        return in.readAllBytes();
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
        }
    }

    private static long field(String status, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + ":\\s+(\\d+)").matcher(status);
        if (!m.find()) {
            throw new IllegalStateException("no " + name + " in /proc status");
        }
        return Long.parseLong(m.group(1));
    }

    /** Polls every millisecond; stores the nanoTime of the first 200 in {@code at[0]}. */
    static boolean waitFor200(String host, int port, String path, long deadlineNanos, long[] at) {
        byte[] request = ("GET " + path + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] buf = new byte[16];
        while (System.nanoTime() < deadlineNanos) {
            try (Socket s = new Socket()) {
                s.setTcpNoDelay(true);
                s.setSoTimeout(2000);
                s.connect(new InetSocketAddress(host, port), 1000);
                OutputStream o = s.getOutputStream();
                o.write(request);
                o.flush();
                InputStream in = s.getInputStream();
                int n = 0;
                int r;
                while (n < 12 && (r = in.read(buf, n, buf.length - n)) > 0) {
                    n += r;
                }
                if (n >= 12 && new String(buf, 0, 12, StandardCharsets.US_ASCII).matches("HTTP/1\\.[01] 200")) {
                    if (at != null) {
                        at[0] = System.nanoTime();
                    }
                    return true;
                }
            } catch (IOException notYet) {
                // not listening yet, or not answering yet
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
        return false;
    }

    private static synchronized void record(String out, String metric, String subject, double value) throws IOException {
        try (PrintWriter w = new PrintWriter(new FileWriter(out, true))) {
            w.println(metric + "\t" + subject + "\t" + value);
        }
    }
}
