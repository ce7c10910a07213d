import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * The many-address slow-client run of issue 11: N connections, one from each of 127.0.0.2 upwards,
 * each holding a half-sent request head, adding one byte every 500 ms and re-opened the moment the
 * server drops it; meanwhile a prober on 127.0.0.1 asks PATH P times on new connections (50 ms
 * apart, each given up after 1 s, as a kubelet with timeoutSeconds=1 would). Usage:
 * {@code SlowClients BASE_URL PATH ADDRESSES PROBES SAMPLES.tsv SUBJECT}. Appends to SAMPLES.tsv:
 * {@code slow_ok} (probes answered 200 within 1 s), {@code slow_p50_ms}, {@code slow_max_ms}
 * (a failed probe counts as its time to fail) and {@code slow_reconnects} (drops seen by the clients).
 */
public final class SlowClients {
    private static final byte[] HALF = "GET /live HTTP/1.1\r\nHost: x\r\nUser-Agent: slow".getBytes(StandardCharsets.US_ASCII);

    public static void main(String[] args) throws Exception {
        URI base = URI.create(args[0]);
        String path = args[1];
        int addresses = Integer.parseInt(args[2]);
        int probes = Integer.parseInt(args[3]);
        String subject = args[5];
        int port = base.getPort();

        Selector selector = Selector.open();
        SocketChannel[] channels = new SocketChannel[addresses];
        int[] reconnects = {0};
        for (int i = 0; i < addresses; i++) {
            channels[i] = open(selector, i, port);
        }
        AtomicBoolean stop = new AtomicBoolean();
        Thread attacker = new Thread(() -> {
            ByteBuffer sink = ByteBuffer.allocate(4096);
            long nextTrickle = System.nanoTime();
            try {
                while (!stop.get()) {
                    selector.select(50);
                    for (Iterator<SelectionKey> it = selector.selectedKeys().iterator(); it.hasNext(); ) {
                        SelectionKey key = it.next();
                        it.remove();
                        int i = (Integer) key.attachment();
                        boolean dead;
                        try {
                            sink.clear();
                            dead = ((SocketChannel) key.channel()).read(sink) != 0;
                        } catch (IOException e) {
                            dead = true;
                        }
                        if (dead) {
                            key.cancel();
                            close(channels[i]);
                            reconnects[0]++;
                            channels[i] = open(selector, i, port);
                        }
                    }
                    if (System.nanoTime() - nextTrickle >= 0) {
                        nextTrickle = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
                        for (int i = 0; i < addresses; i++) {
                            if (channels[i] == null) {
                                channels[i] = open(selector, i, port);
                            } else {
                                try {
                                    channels[i].write(ByteBuffer.wrap(new byte[] {'w'}));
                                } catch (IOException ignored) {
                                    // dropped: its key fires
                                }
                            }
                        }
                    }
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }, "slow-clients");
        attacker.setDaemon(true);
        attacker.start();

        byte[] request = ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        List<Double> millis = new ArrayList<>();
        int ok = 0;
        for (int p = 0; p < probes; p++) {
            long start = System.nanoTime();
            boolean right = false;
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                s.setSoTimeout(1000);
                s.getOutputStream().write(request);
                InputStream in = s.getInputStream();
                ByteArrayOutputStream got = new ByteArrayOutputStream();
                byte[] buf = new byte[2048];
                int n;
                while ((n = in.read(buf)) > 0) {
                    got.write(buf, 0, n);
                }
                right = got.toString("ISO-8859-1").startsWith("HTTP/1.1 200");
            } catch (IOException e) {
                right = false;
            }
            double took = (System.nanoTime() - start) / 1e6;
            millis.add(took);
            if (right && took <= 1000) {
                ok++;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
        stop.set(true);
        attacker.join(5000);
        for (SocketChannel c : channels) {
            close(c);
        }
        Collections.sort(millis);
        String out = "slow_ok\t" + subject + "\t" + ok + "\n"
                + "slow_p50_ms\t" + subject + "\t" + String.format(java.util.Locale.ROOT, "%.2f", millis.get(millis.size() / 2)) + "\n"
                + "slow_max_ms\t" + subject + "\t" + String.format(java.util.Locale.ROOT, "%.2f", millis.get(millis.size() - 1)) + "\n"
                + "slow_reconnects\t" + subject + "\t" + reconnects[0] + "\n";
        Files.write(Paths.get(args[4]), out.getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND, StandardOpenOption.CREATE);
        System.err.println("[SlowClients] " + subject + ": " + ok + "/" + probes + " probes 200 within 1 s while " + addresses
                + " addresses held half-sent heads; p50 " + millis.get(millis.size() / 2) + " ms, max " + millis.get(millis.size() - 1)
                + " ms; " + reconnects[0] + " drops re-opened");
    }

    private static SocketChannel open(Selector selector, int i, int port) {
        SocketChannel c = null;
        try {
            int n = i + 2;
            c = SocketChannel.open();
            c.bind(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, (byte) (n >> 8), (byte) n}), 0));
            c.socket().connect(new InetSocketAddress("127.0.0.1", port), 1000);
            c.write(ByteBuffer.wrap(HALF));
            c.configureBlocking(false);
            c.register(selector, SelectionKey.OP_READ, i);
            return c;
        } catch (IOException e) {
            close(c);
            return null;
        }
    }

    private static void close(SocketChannel c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // gone
            }
        }
    }
}
