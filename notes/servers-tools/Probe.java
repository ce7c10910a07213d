import java.io.*;
import java.net.*;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.*;
import java.util.concurrent.*;

/** Scratch: starts a command, polls URLs every 20 ms, prints a timeline relative to the server JVM's start. */
public class Probe {
    static volatile long t0 = System.currentTimeMillis();
    static final List<String> events = Collections.synchronizedList(new ArrayList<>());
    static void ev(String s) { long now = System.currentTimeMillis(); String line = String.format("%8d ms (wall %d) %s", now - t0, now, s); events.add(line); System.out.println(line); }

    public static void main(String[] a) throws Exception {
        List<String> urls = new ArrayList<>(); List<String> pats = new ArrayList<>(); int i = 0; long after = 0; String jvmMarker = null; long timeout = 120000;
        Map<String,String> env = new LinkedHashMap<>(); boolean keep = false; String stopCmd = null;
        for (; i < a.length && !a[i].equals("--"); i++) {
            switch (a[i]) {
                case "--url": urls.add(a[++i]); break;
                case "--log": pats.add(a[++i]); break;
                case "--after": after = Long.parseLong(a[++i]); break;
                case "--jvm": jvmMarker = a[++i]; break;
                case "--env": String[] kv = a[++i].split("=", 2); env.put(kv[0], kv[1]); break;
                case "--timeout": timeout = Long.parseLong(a[++i]); break;
            }
        }
        List<String> cmd = Arrays.asList(a).subList(i + 1, a.length);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.environment().putAll(env);
        long scriptStart = System.currentTimeMillis(); t0 = scriptStart;
        Process p = pb.start();
        ev("script started pid " + p.pid());
        final List<String> fpats = pats;
        Thread pump = new Thread(() -> { try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String l; while ((l = r.readLine()) != null) { for (String pt : fpats) if (l.contains(pt)) { ev("LOG " + l); break; } } } catch (IOException e) {} });
        pump.setDaemon(true); pump.start();
        Set<String> started = new HashSet<>(); Set<String> ok = ConcurrentHashMap.newKeySet(); long deadline = System.currentTimeMillis() + timeout; boolean jvmSeen = false; long okAt = 0;
        while (System.currentTimeMillis() < deadline && p.isAlive()) {
            if (!jvmSeen && jvmMarker != null) {
                for (ProcessHandle h : (Iterable<ProcessHandle>) p.descendants()::iterator) {
                    String c = h.info().commandLine().orElse("");
                    if (c.contains(jvmMarker)) { jvmSeen = true; long st = h.info().startInstant().map(Instant::toEpochMilli).orElse(0L); ev("server JVM pid " + h.pid() + " started at +" + (st - scriptStart) + " ms after the script"); }
                }
                if (!jvmSeen && p.info().commandLine().orElse("").contains(jvmMarker)) { jvmSeen = true; ev("the process itself is the JVM"); }
            }
            for (String u : urls) { if (!started.contains(u)) { started.add(u); Thread th = new Thread(() -> { String prev = null; while (true) { long sent = System.currentTimeMillis(); String st = status(u); if (!st.equals(prev)) { ev(u + " -> " + st + " (request sent at " + (sent - t0) + " ms)"); prev = st; } if (st.startsWith("200")) ok.add(u); try { Thread.sleep(20); } catch (InterruptedException e) { return; } } }); th.setDaemon(true); th.start(); } }
            if (ok.size() == urls.size() && okAt == 0) okAt = System.currentTimeMillis();
            if (okAt != 0 && System.currentTimeMillis() - okAt >= after) break;
            Thread.sleep(20);
        }
        ev("stopping (alive " + p.isAlive() + ")");
        if (!keep) { p.descendants().forEach(ProcessHandle::destroy); p.destroy(); if (!p.waitFor(30, TimeUnit.SECONDS)) { p.descendants().forEach(ProcessHandle::destroyForcibly); p.destroyForcibly(); } Thread.sleep(300); p.descendants().forEach(ProcessHandle::destroyForcibly); }
        pump.join(5000);
        ev("exit " + p.waitFor());
    }

    static String status(String u) {
        URI uri = URI.create(u);
        try (Socket s = new Socket()) {
            try { s.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 300); } catch (IOException e) { return "REFUSED"; }
            s.setSoTimeout(60000);
            s.getOutputStream().write(("GET " + uri.getRawPath() + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort() + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            byte[] b = new byte[12]; int n = 0; InputStream in = s.getInputStream();
            while (n < 12) { int r = in.read(b, n, 12 - n); if (r < 0) break; n += r; }
            String h = new String(b, 0, n, StandardCharsets.ISO_8859_1);
            return h.startsWith("HTTP/") && n == 12 ? h.substring(9, 12) : "SILENT(" + n + ")";
        } catch (SocketTimeoutException e) { return "SILENT(timeout)"; } catch (IOException e) { return "SILENT(" + e.getMessage() + ")"; }
    }
}
