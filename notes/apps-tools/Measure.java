import com.sun.tools.attach.VirtualMachine;

import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Investigation tool for notes/apps-findings.md (not part of the build). Starts a host command N times and
 * measures, from just before the process starts: the first successful request (probe), the 'serving' line,
 * and, with --stop, how long after 'stop' the probe fails while the process lives on; with --exit, that
 * 'exit 3' exits 3. --jmx=PATTERN dumps the host's MBeans matching PATTERN (with attributes) after it serves
 * and after stop, through the attach API and the JVM's local management agent.
 * Run with the hosts' class path (the gRPC and Kafka probes use their clients):
 *   java -cp "$CP" notes/apps-tools/Measure.java --probe=http --port=P [--runs=3] [--stop] [--exit] [--jmx=...] -- java ... Main ...
 * Probes: http (GET / answers 2xx), tcp (connect), zk (srvr answers with a Mode: line), grpc (health Check SERVING),
 * kafka (Admin describeCluster), line (the host printed 'serving').
 */
public class Measure {
    static String probe;
    static int port;
    static String jmx;
    /** What 'stop' sends (--stop-command=fail for Kafka Streams' ERROR). */
    static String stopCommand = "stop";

    public static void main(String[] args) throws Exception {
        int runs = 1;
        boolean stop = false;
        boolean exit = false;
        List<String> command = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--")) {
                command.addAll(Arrays.asList(args).subList(i + 1, args.length));
                break;
            } else if (a.startsWith("--probe=")) {
                probe = a.substring(8);
            } else if (a.startsWith("--port=")) {
                port = Integer.parseInt(a.substring(7));
            } else if (a.startsWith("--runs=")) {
                runs = Integer.parseInt(a.substring(7));
            } else if (a.startsWith("--jmx=")) {
                jmx = a.substring(6);
            } else if (a.startsWith("--stop-command=")) {
                stopCommand = a.substring(15);
                stop = true;
            } else if (a.equals("--stop")) {
                stop = true;
            } else if (a.equals("--exit")) {
                exit = true;
            }
        }
        probe(List.of()); // loads the probe's own classes (its HTTP or gRPC client) before any clock starts
        tcp();
        List<Long> firstOk = new ArrayList<>();
        for (int r = 1; r <= runs; r++) {
            firstOk.add(run(r, command, stop, exit));
        }
        List<Long> sorted = new ArrayList<>(firstOk);
        Collections.sort(sorted);
        System.out.println("RESULT probe=" + probe + " runs=" + firstOk + " ms, median " + sorted.get(sorted.size() / 2) + " ms");
    }

    static long run(int r, List<String> command, boolean stop, boolean exit) throws Exception {
        System.out.println("run " + r + " starts at " + java.time.LocalTime.now());
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(new java.io.File("/tmp/measure-stderr.txt"))).start();
        List<String> lines = new CopyOnWriteArrayList<>();
        Thread pump = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String l;
                while ((l = in.readLine()) != null) {
                    lines.add(ms(t0) + " " + l);
                }
            } catch (Exception ignored) {
            }
        });
        pump.setDaemon(true);
        pump.start();
        OutputStream stdin = p.getOutputStream();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        long ok = -1;
        long listening = -1;
        while (System.nanoTime() < deadline && p.isAlive()) {
            if (listening < 0 && port > 0 && tcp()) {
                listening = ms(t0);
            }
            if (probe(lines)) {
                ok = ms(t0);
                break;
            }
            Thread.sleep(10);
        }
        String servingLine = lines.stream().filter(l -> l.contains(" serving")).findFirst().orElse("(no serving line)");
        System.out.println("run " + r + ": first successful " + probe + " probe " + ok + " ms after start"
                + (port > 0 ? " (port first accepted a TCP connection at " + listening + " ms)" : "") + "; serving line: " + servingLine
                + "; pid " + p.pid());
        if (ok < 0) {
            System.out.println("  stdout: " + lines);
            p.destroyForcibly();
            return -1;
        }
        if (jmx != null) {
            dump(p.pid(), "after serving");
        }
        if (stop) {
            long s = System.nanoTime();
            stdin.write((stopCommand + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.flush();
            long failed = -1;
            while (System.nanoTime() - s < TimeUnit.SECONDS.toNanos(60)) {
                if (!probe(lines == null ? null : List.of())) {
                    failed = ms(s);
                    break;
                }
                Thread.sleep(5);
            }
            long okStop = -1;
            while (System.nanoTime() - s < TimeUnit.SECONDS.toNanos(60)) {
                if (lines.stream().anyMatch(l -> l.endsWith(" ok " + stopCommand))) {
                    okStop = ms(s);
                    break;
                }
                Thread.sleep(5);
            }
            System.out.println("  " + stopCommand + ": probe failing " + failed + " ms after '" + stopCommand + "' was sent; 'ok " + stopCommand + "' after " + okStop + " ms; alive " + p.isAlive());
            if (jmx != null) {
                Thread.sleep(1000);
                dump(p.pid(), "1 s after stop");
            }
        }
        if (exit) {
            stdin.write("exit 3\n".getBytes(StandardCharsets.UTF_8));
            stdin.flush();
            boolean ended = p.waitFor(60, TimeUnit.SECONDS);
            System.out.println("  exit 3: ended " + ended + ", code " + (ended ? p.exitValue() : -1));
        }
        p.destroyForcibly();
        p.waitFor(30, TimeUnit.SECONDS);
        System.out.println("  stdout: " + lines);
        return ok;
    }

    static boolean tcp() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    static long ms(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    static boolean probe(List<String> lines) {
        try {
            switch (probe) {
                case "http": {
                    HttpURLConnection c = (HttpURLConnection) new URL("http://127.0.0.1:" + port + "/").openConnection();
                    c.setConnectTimeout(1000);
                    c.setReadTimeout(2000);
                    int code = c.getResponseCode();
                    try (InputStream in = code < 400 ? c.getInputStream() : c.getErrorStream()) {
                        if (in != null) {
                            in.readAllBytes();
                        }
                    }
                    return code >= 200 && code < 300;
                }
                case "tcp": {
                    try (Socket s = new Socket()) {
                        s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                        return true;
                    }
                }
                case "zk": {
                    try (Socket s = new Socket()) {
                        s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                        s.setSoTimeout(2000);
                        s.getOutputStream().write("srvr".getBytes(StandardCharsets.US_ASCII));
                        String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                        return answer.contains("Mode:");
                    }
                }
                case "grpc":
                    return Grpc.serving(port);
                case "kafka":
                    return Kafka.up(port);
                case "line":
                    return lines != null && !lines.isEmpty() && lines.stream().anyMatch(l -> l.contains(" serving"))
                            && lines.stream().noneMatch(l -> l.contains(" ok stop"));
                default:
                    throw new IllegalArgumentException(probe);
            }
        } catch (Exception e) {
            return false;
        }
    }

    static final class Grpc {
        static io.grpc.ManagedChannel channel;

        static boolean serving(int port) {
            if (channel == null) {
                channel = io.grpc.ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
            }
            io.grpc.health.v1.HealthCheckResponse r = io.grpc.health.v1.HealthGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(1, TimeUnit.SECONDS).check(io.grpc.health.v1.HealthCheckRequest.getDefaultInstance());
            return r.getStatus() == io.grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING;
        }
    }

    static final class Kafka {
        static boolean up(int port) throws Exception {
            try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(java.util.Map.of(
                    "bootstrap.servers", "127.0.0.1:" + port, "request.timeout.ms", "1000", "default.api.timeout.ms", "1000",
                    "reconnect.backoff.max.ms", "100"))) {
                return !admin.describeCluster().nodes().get(1, TimeUnit.SECONDS).isEmpty();
            }
        }
    }

    static void dump(long pid, String when) {
        try {
            VirtualMachine vm = VirtualMachine.attach(String.valueOf(pid));
            String address = vm.startLocalManagementAgent();
            vm.detach();
            try (JMXConnector c = JMXConnectorFactory.connect(new JMXServiceURL(address))) {
                MBeanServerConnection s = c.getMBeanServerConnection();
                java.util.TreeSet<String> domains = new java.util.TreeSet<>(java.util.Arrays.asList(s.getDomains()));
                System.out.println("  MBean domains " + when + ": " + domains);
                System.out.println("  MBeans " + jmx + " " + when + ":");
                for (ObjectName n : new java.util.TreeSet<>(s.queryNames(new ObjectName(jmx), null))) {
                    StringBuilder b = new StringBuilder("    " + n);
                    for (MBeanAttributeInfo a : s.getMBeanInfo(n).getAttributes()) {
                        Object v;
                        try {
                            v = s.getAttribute(n, a.getName());
                        } catch (Exception e) {
                            v = "(" + e.getClass().getSimpleName() + ")";
                        }
                        String text = String.valueOf(v);
                        if (text.length() > 80) {
                            text = text.substring(0, 80) + "...";
                        }
                        b.append("\n      ").append(a.getName()).append('=').append(text);
                    }
                    System.out.println(b);
                }
            }
        } catch (Exception e) {
            System.out.println("  MBeans " + when + ": failed " + e);
        }
    }
}
