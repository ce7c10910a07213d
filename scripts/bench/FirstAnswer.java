import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Time to an application's first answer, and what the process spent to get there, for several variants of one launch
 * (without the agent, with it, with options), measured side by side: ROUNDS rounds, each launching every variant once,
 * the order rotating from round to round, so that drift and other work on the machine spread over all variants. Each
 * variant is judged against the first (the baseline) by the median of the per-round ratios of the first answer, with a
 * 90 % bootstrap interval of that median and the worst round.
 *
 * <pre>java FirstAnswer TITLE ROUNDS RSS_ROUNDS SPEC [RAW_TSV]</pre>
 * SPEC: one variant a line, {@code NAME TAB PATH TAB CMD words separated by TAB}; {@code {port}} in CMD is replaced by a
 * free port for the application, {@code {aport}} by another for the agent. PATH is polled on {@code {port}} every
 * millisecond (new connection each) until it answers 200: the first answer, in ms from the launch. At that moment, from
 * /proc and from the JVM's own performance counters (its hsperfdata file, read without attaching): the process's CPU,
 * the CPU of its threads by kind (the agent's {@code jvm-health-*}, the JIT compilers, GC, the VM thread, the rest; the
 * agent's threads that ended before, its start and gates threads, with their last figure: see {@link AgentThreads}), the
 * peak resident set (VmHWM), the classes loaded, safepoints and their time, class-loading time, JIT time, metaspace in
 * use, GC pauses. In the first RSS_ROUNDS rounds the launch then lives 3 s more and VmRSS, VmHWM and the agent's CPU are
 * read again. Prints a Markdown section; every launch's figures go to RAW_TSV when given.
 *
 * <pre>java FirstAnswer --median RAW_TSV VARIANT COLUMN        the median of COLUMN over VARIANT's launches
 * java FirstAnswer --added RAW_TSV VARIANT BASE COLUMN      the median over rounds of VARIANT's COLUMN minus BASE's</pre>
 * (launches whose COLUMN is 0, such as RSS outside the RSS rounds, are left out.)
 */
public final class FirstAnswer {
    static final long AFTER_MILLIS = 3000;
    static final long TIMEOUT_SECONDS = 180;

    /** Per-launch figures, in this order (names are the RAW_TSV columns). */
    static final String[] COLUMNS = {"first_ms", "cpu_ms", "agent_ms", "jit_ms", "gc_ms", "vm_ms", "main_ms", "other_ms", "hwm_kb",
            "classes", "shared_classes", "safepoints", "safepoint_ms", "classload_ms", "jit_total_ms", "metaspace_kb",
            "young_gcs", "gc_pause_ms", "rss3_kb", "hwm3_kb", "agent3_ms", "cpu3_ms"};

    public static void main(String[] args) throws Exception {
        if (args[0].equals("--median") || args[0].equals("--added")) {
            System.out.println(fromRaw(args));
            return;
        }
        String title = args[0];
        int rounds = Integer.parseInt(args[1]);
        int rssRounds = Integer.parseInt(args[2]);
        List<String[]> spec = new ArrayList<>();
        for (String line : Files.readAllLines(Paths.get(args[3]), StandardCharsets.UTF_8)) {
            if (!line.trim().isEmpty() && !line.startsWith("#")) {
                spec.add(line.split("\t"));
            }
        }
        PrintWriter raw = args.length > 4 ? new PrintWriter(Files.newBufferedWriter(Paths.get(args[4]))) : null;
        if (raw != null) {
            raw.println("round\tvariant\torder\t" + String.join("\t", COLUMNS));
        }
        int k = spec.size();
        // results[v] = list of per-round rows
        List<List<long[]>> results = new ArrayList<>();
        for (int v = 0; v < k; v++) {
            results.add(new ArrayList<>());
        }
        for (int r = 0; r < rounds; r++) {
            boolean rss = r < rssRounds;
            long[][] row = new long[k][];
            for (int i = 0; i < k; i++) {
                // Rotate the order, and reverse it every other round: each variant takes each position about equally often.
                int pos = (r / 2 + i) % k;
                int v = r % 2 == 0 ? pos : k - 1 - pos;
                row[v] = launch(spec.get(v), rss);
                if (raw != null) {
                    StringBuilder b = new StringBuilder().append(r + 1).append('\t').append(spec.get(v)[0]).append('\t').append(i + 1);
                    for (long x : row[v]) {
                        b.append('\t').append(x);
                    }
                    raw.println(b);
                    raw.flush();
                }
            }
            for (int v = 0; v < k; v++) {
                results.get(v).add(row[v]);
            }
            System.err.printf(Locale.ROOT, "[%s] round %d/%d: %s%n", title, r + 1, rounds, firstAnswers(spec, row));
        }
        if (raw != null) {
            raw.close();
        }
        print(title, rounds, rssRounds, spec, results);
    }

    /** The {@code --median} and {@code --added} modes over a RAW_TSV. */
    static String fromRaw(String[] args) throws IOException {
        List<String> lines = Files.readAllLines(Paths.get(args[1]));
        List<String> header = java.util.Arrays.asList(lines.get(0).split("\t"));
        boolean added = args[0].equals("--added");
        int c = header.indexOf(args[added ? 4 : 3]);
        Map<String, Long> variant = new LinkedHashMap<>();
        Map<String, Long> base = new LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split("\t");
            long value = Long.parseLong(f[c]);
            if (value == 0) {
                continue;
            }
            if (f[1].equals(args[2])) {
                variant.put(f[0], value);
            } else if (added && f[1].equals(args[3])) {
                base.put(f[0], value);
            }
        }
        List<Double> values = new ArrayList<>();
        for (Map.Entry<String, Long> e : variant.entrySet()) {
            if (!added) {
                values.add((double) e.getValue());
            } else if (base.containsKey(e.getKey())) {
                values.add((double) (e.getValue() - base.get(e.getKey())));
            }
        }
        return String.format(Locale.ROOT, "%.0f", Medians.medianOf(values));
    }

    private static String firstAnswers(List<String[]> spec, long[][] row) {
        StringBuilder b = new StringBuilder();
        for (int v = 0; v < spec.size(); v++) {
            b.append(v == 0 ? "" : ", ").append(spec.get(v)[0]).append(' ').append(row[v][0]).append(" ms");
        }
        return b.toString();
    }

    private static int col(String name) {
        for (int i = 0; i < COLUMNS.length; i++) {
            if (COLUMNS[i].equals(name)) {
                return i;
            }
        }
        throw new IllegalArgumentException(name);
    }

    private static void print(String title, int rounds, int rssRounds, List<String[]> spec, List<List<long[]>> results) {
        int k = spec.size();
        List<long[]> base = results.get(0);
        System.out.println("### " + title);
        System.out.println();
        System.out.println(rounds + " rounds, each launching every variant once (order rotating); figures are medians over the"
                + " rounds; \"added\" is the median of the per-round differences (or ratios) against `" + spec.get(0)[0] + "`, with its 90 %"
                + " bootstrap interval; the worst round is the largest. CPU in ms to the first answer (process total and by thread"
                + " kind); RSS in MiB (VmHWM at the first answer; VmRSS and VmHWM 3 s later, first " + Math.min(rounds, rssRounds)
                + " rounds).");
        System.out.println();
        System.out.println("| variant | first answer ms | added (median round) | 90 % interval | worst round | process CPU ms | CPU added"
                + " | agent threads ms | JIT ms | GC ms | VM thread ms | classes | safepoints (ms) | VmHWM at answer | RSS +3 s"
                + " | RSS added +3 s | VmHWM +3 s | VmHWM added +3 s | agent ms by +3 s |");
        System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        for (int v = 0; v < k; v++) {
            List<long[]> rows = results.get(v);
            List<Double> ratios = new ArrayList<>();
            List<Double> cpuAdded = new ArrayList<>();
            List<Double> rssAdded = new ArrayList<>();
            List<Double> hwmAdded = new ArrayList<>();
            for (int r = 0; r < rows.size(); r++) {
                ratios.add((double) rows.get(r)[0] / base.get(r)[0]);
                cpuAdded.add((double) (rows.get(r)[col("cpu_ms")] - base.get(r)[col("cpu_ms")]));
                if (r < rssRounds) {
                    rssAdded.add((rows.get(r)[col("rss3_kb")] - base.get(r)[col("rss3_kb")]) / 1024.0);
                    hwmAdded.add((rows.get(r)[col("hwm3_kb")] - base.get(r)[col("hwm3_kb")]) / 1024.0);
                }
            }
            double[] interval = Medians.bootstrapMedian(ratios, 2000, 90);
            StringBuilder b = new StringBuilder("| `").append(spec.get(v)[0]).append("` | ").append(med(rows, "first_ms")).append(" | ");
            if (v == 0) {
                b.append("- | - | - | ");
            } else {
                b.append(pct(Medians.medianOf(ratios))).append(" | ").append(pct(interval[0])).append(" to ").append(pct(interval[1]))
                        .append(" | ").append(pct(Collections.max(ratios))).append(" | ");
            }
            b.append(med(rows, "cpu_ms")).append(" | ").append(v == 0 ? "-" : String.format(Locale.ROOT, "%+.0f", Medians.medianOf(cpuAdded))).append(" | ")
                    .append(med(rows, "agent_ms")).append(" | ").append(med(rows, "jit_ms")).append(" | ").append(med(rows, "gc_ms"))
                    .append(" | ").append(med(rows, "vm_ms")).append(" | ").append(med(rows, "classes")).append(" | ")
                    .append(med(rows, "safepoints")).append(" (").append(med(rows, "safepoint_ms")).append(") | ")
                    .append(mib(med(rows, "hwm_kb"))).append(" | ");
            List<long[]> rssRows = rows.subList(0, Math.min(rows.size(), rssRounds));
            if (rssRows.isEmpty()) {
                b.append("- | - | - | - | - |");
            } else {
                b.append(mib(med(rssRows, "rss3_kb"))).append(" | ").append(v == 0 ? "-" : String.format(Locale.ROOT, "%+.1f", Medians.medianOf(rssAdded)))
                        .append(" | ").append(mib(med(rssRows, "hwm3_kb"))).append(" | ")
                        .append(v == 0 ? "-" : String.format(Locale.ROOT, "%+.1f", Medians.medianOf(hwmAdded))).append(" | ")
                        .append(med(rssRows, "agent3_ms")).append(" |");
            }
            System.out.println(b);
        }
        System.out.println();
        System.out.println("<details><summary>Each round: first answer ms (process CPU ms, agent threads ms)</summary>");
        System.out.println();
        StringBuilder h = new StringBuilder("| round |");
        StringBuilder d = new StringBuilder("| --- |");
        for (String[] s : spec) {
            h.append(" `").append(s[0]).append("` |");
            d.append(" --- |");
        }
        System.out.println(h);
        System.out.println(d);
        for (int r = 0; r < rounds; r++) {
            StringBuilder b = new StringBuilder("| ").append(r + 1).append(" |");
            for (int v = 0; v < k; v++) {
                long[] x = results.get(v).get(r);
                b.append(' ').append(x[0]);
                if (v > 0) {
                    b.append(String.format(Locale.ROOT, " (%+.1f %%)", 100.0 * ((double) x[0] / base.get(r)[0] - 1)));
                }
                b.append(" (").append(x[col("cpu_ms")]).append(", ").append(x[col("agent_ms")]).append(") |");
            }
            System.out.println(b);
        }
        System.out.println();
        System.out.println("</details>");
        System.out.println();
    }

    private static String pct(double ratio) {
        return String.format(Locale.ROOT, "%+.1f %%", 100 * (ratio - 1));
    }

    private static String mib(long kb) {
        return String.format(Locale.ROOT, "%.1f", kb / 1024.0);
    }

    private static long med(List<long[]> rows, String column) {
        int c = col(column);
        List<Long> values = new ArrayList<>();
        for (long[] row : rows) {
            values.add(row[c]);
        }
        Collections.sort(values);
        int n = values.size();
        return n == 0 ? 0 : n % 2 == 1 ? values.get(n / 2) : (values.get(n / 2 - 1) + values.get(n / 2)) / 2;
    }

    /** One launch of one variant: the figures of {@link #COLUMNS}. */
    static long[] launch(String[] variant, boolean rss) throws Exception {
        String path = variant[1];
        int port = freePort();
        int agentPort = freePort();
        List<String> cmd = new ArrayList<>();
        for (int i = 2; i < variant.length; i++) {
            cmd.add(variant[i].replace("{port}", String.valueOf(port)).replace("{aport}", String.valueOf(agentPort)));
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        long start = System.nanoTime();
        Process p = pb.start();
        try {
            long deadline = start + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
            long answered = 0;
            AgentThreads agent = new AgentThreads(p.pid());
            while (answered == 0) {
                agent.sample();
                if (System.nanoTime() > deadline || !p.isAlive()) {
                    throw new IllegalStateException("no 200 on " + path + " within " + TIMEOUT_SECONDS + " s (alive " + p.isAlive() + "): " + cmd);
                }
                if (status(port, path) == 200) {
                    answered = System.nanoTime();
                } else {
                    LockSupport.parkNanos(1_000_000);
                }
            }
            long[] out = new long[COLUMNS.length];
            out[0] = (answered - start) / 1_000_000;
            long pid = p.pid();
            long[] threads = threadCpu(pid);
            out[col("cpu_ms")] = ticks(Paths.get("/proc/" + pid + "/stat")) * 10;
            out[col("agent_ms")] = agent.sample(true); // ended threads included: not threads[0], the live ones only
            for (int i = 1; i < 6; i++) {
                out[col("agent_ms") + i] = threads[i];
            }
            out[col("hwm_kb")] = status(pid, "VmHWM:");
            Map<String, Long> perf = PerfData.read(pid);
            double hz = perf.getOrDefault("sun.os.hrt.frequency", 1_000_000_000L);
            out[col("classes")] = perf.getOrDefault("java.cls.loadedClasses", 0L) + perf.getOrDefault("java.cls.sharedLoadedClasses", 0L);
            out[col("shared_classes")] = perf.getOrDefault("java.cls.sharedLoadedClasses", 0L);
            out[col("safepoints")] = perf.getOrDefault("sun.rt.safepoints", 0L);
            out[col("safepoint_ms")] = Math.round(perf.getOrDefault("sun.rt.safepointTime", 0L) * 1000 / hz);
            out[col("classload_ms")] = Math.round(perf.getOrDefault("sun.cls.time", 0L) * 1000 / hz);
            out[col("jit_total_ms")] = Math.round(perf.getOrDefault("java.ci.totalTime", 0L) * 1000 / hz);
            // the counter is updated at collections only: a hint, not a reading (NMT measures metaspace)
            out[col("metaspace_kb")] = perf.getOrDefault("sun.gc.metaspace.used", 0L) / 1024;
            out[col("young_gcs")] = perf.getOrDefault("sun.gc.collector.0.invocations", 0L);
            out[col("gc_pause_ms")] = Math.round((perf.getOrDefault("sun.gc.collector.0.time", 0L) + perf.getOrDefault("sun.gc.collector.1.time", 0L)
                    + perf.getOrDefault("sun.gc.collector.2.time", 0L)) * 1000 / hz);
            if (rss) {
                long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(AFTER_MILLIS);
                while (System.nanoTime() - until < 0) {
                    agent.sample();
                    LockSupport.parkNanos(Math.min(until - System.nanoTime(), AgentThreads.EVERY_NANOS));
                }
                out[col("rss3_kb")] = status(pid, "VmRSS:");
                out[col("hwm3_kb")] = status(pid, "VmHWM:");
                out[col("agent3_ms")] = agent.sample(true);
                out[col("cpu3_ms")] = ticks(Paths.get("/proc/" + pid + "/stat")) * 10;
            }
            return out;
        } finally {
            p.destroyForcibly();
            p.waitFor(20, TimeUnit.SECONDS);
        }
    }

    /**
     * The CPU of the agent's threads ({@code jvm-health-*}), those that ended included: the start thread and the gates
     * thread end long before most first answers, and a thread's figure leaves /proc with it. Each {@link #sample} (at most
     * every {@link #EVERY_NANOS}) lists the process's threads, reads {@code comm} of those not known as the agent's and
     * {@code stat} of those that are, and keeps each one's last figure: an ended thread's last slice since its last
     * sample (at most 10 ms) is missed.
     */
    static final class AgentThreads {
        static final long EVERY_NANOS = 10_000_000L;
        private final Path tasks;
        private final Map<String, Long> last = new LinkedHashMap<>();
        private long sampledAt;

        AgentThreads(long pid) {
            tasks = Paths.get("/proc/" + pid + "/task");
        }

        /** Samples if due; returns the agent's threads' CPU in ms, ended ones included. */
        long sample() {
            return sample(false);
        }

        /** As {@link #sample()}, sampling now when {@code force} (a reading to keep). */
        long sample(boolean force) {
            long now = System.nanoTime();
            if (force || sampledAt == 0 || now - sampledAt >= EVERY_NANOS) {
                sampledAt = now;
                try (java.nio.file.DirectoryStream<Path> dir = Files.newDirectoryStream(tasks)) {
                    for (Path t : dir) {
                        String tid = t.getFileName().toString();
                        try {
                            if (!last.containsKey(tid)) {
                                String comm = new String(Files.readAllBytes(t.resolve("comm")), StandardCharsets.UTF_8).trim();
                                if (!comm.startsWith("jvm-health")) {
                                    continue; // HotSpot names a thread as it starts: asked again at the next sample
                                }
                            }
                            last.merge(tid, ticks(t.resolve("stat")) * 10, Math::max); // 0 once it is gone
                        } catch (IOException | RuntimeException gone) {
                            // the thread ended meanwhile: its last figure stays
                        }
                    }
                } catch (IOException processGone) {
                    // the figures so far stand
                }
            }
            long sum = 0;
            for (long ms : last.values()) {
                sum += ms;
            }
            return sum;
        }
    }

    /** CPU ms of the process's threads by kind: {agent (jvm-health-*), JIT compilers, GC, VM thread, main (comm "java"), other}. */
    static long[] threadCpu(long pid) {
        long[] kinds = new long[6];
        try (java.nio.file.DirectoryStream<Path> tasks = Files.newDirectoryStream(Paths.get("/proc/" + pid + "/task"))) {
            for (Path t : tasks) {
                try {
                    String comm = new String(Files.readAllBytes(t.resolve("comm")), StandardCharsets.UTF_8).trim();
                    long ms = ticks(t.resolve("stat")) * 10;
                    kinds[kind(comm)] += ms;
                } catch (IOException gone) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            java.util.Arrays.fill(kinds, -1);
        }
        return kinds;
    }

    static int kind(String comm) {
        if (comm.startsWith("jvm-health")) {
            return 0;
        }
        if (comm.startsWith("C1 Compiler") || comm.startsWith("C2 Compiler")) {
            return 1;
        }
        if (comm.startsWith("GC Thread") || comm.startsWith("G1 ") || comm.startsWith("ZWorker") || comm.startsWith("Parallel GC")) {
            return 2;
        }
        if (comm.equals("VM Thread")) {
            return 3;
        }
        if (comm.equals("java")) {
            return 4;
        }
        return 5;
    }

    /** utime + stime in clock ticks (USER_HZ is 100 on Linux: 10 ms each). */
    static long ticks(Path stat) {
        try {
            String text = new String(Files.readAllBytes(stat), StandardCharsets.US_ASCII);
            String[] f = text.substring(text.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    static long status(long pid, String key) {
        try {
            for (String line : Files.readAllLines(Paths.get("/proc/" + pid + "/status"))) {
                if (line.startsWith(key)) {
                    return Long.parseLong(line.substring(key.length()).replace("kB", "").trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    private static int status(int port, String path) {
        return status(port, path, 30_000, null);
    }

    /**
     * GET {@code path} on 127.0.0.1:port on a new connection: the status code, or -1 when the connection was refused or
     * no status line came within {@code readTimeoutMillis}. When {@code connectedAt} is given, its first element is set to
     * {@link System#nanoTime} once the connection was accepted (also AppServerWindow's).
     */
    static int status(int port, String path, int readTimeoutMillis, long[] connectedAt) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            if (connectedAt != null) {
                connectedAt[0] = System.nanoTime();
            }
            s.setSoTimeout(readTimeoutMillis);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = s.getInputStream();
            byte[] head = in.readNBytes(12);
            if (head.length < 12) {
                return -1;
            }
            return Integer.parseInt(new String(head, 9, 3, StandardCharsets.ISO_8859_1));
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /**
     * The JVM's performance counters from its hsperfdata file ({@code /tmp/hsperfdata_USER/PID}, the memory jstat reads;
     * nothing attaches to the JVM): long scalars by name.
     */
    static final class PerfData {
        static Map<String, Long> read(long pid) {
            Map<String, Long> values = new LinkedHashMap<>();
            Path file = Paths.get(System.getProperty("java.io.tmpdir"), "hsperfdata_" + System.getProperty("user.name"), String.valueOf(pid));
            try {
                ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file));
                if (b.getInt(0) != 0xcafec0c0) {
                    return values;
                }
                b.order(b.get(4) == 0 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
                int entry = b.getInt(24);
                int count = b.getInt(28);
                for (int i = 0; i < count && entry > 0 && entry < b.limit(); i++) {
                    int length = b.getInt(entry);
                    int nameOffset = b.getInt(entry + 4);
                    int vector = b.getInt(entry + 8);
                    byte type = b.get(entry + 12);
                    int dataOffset = b.getInt(entry + 16);
                    if (vector == 0 && type == 'J') {
                        int n = entry + nameOffset;
                        int end = n;
                        while (end < b.limit() && b.get(end) != 0) {
                            end++;
                        }
                        byte[] name = new byte[end - n];
                        for (int j = 0; j < name.length; j++) {
                            name[j] = b.get(n + j);
                        }
                        values.put(new String(name, StandardCharsets.US_ASCII), b.getLong(entry + dataOffset));
                    }
                    if (length <= 0) {
                        break;
                    }
                    entry += length;
                }
            } catch (IOException | RuntimeException e) {
                // no perf data (-XX:-UsePerfData, another user): the columns stay 0
            }
            return values;
        }
    }
}
