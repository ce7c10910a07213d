import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load for the hung-pool hosts (sample-target/frameworks io.jvmhealth.hosts.pools): CLIENTS loops of /sleep?ms=SLEEP
 * (short requests keeping every request thread busy while completing), for BEFORE seconds; then BLOCK requests to
 * /block (never answered), the short load going on for AFTER seconds. Prints the completed short requests per second.
 * java scripts/hangs/PoolLoad.java PORT CLIENTS SLEEP_MS BEFORE_S BLOCK AFTER_S
 */
public class PoolLoad {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int clients = Integer.parseInt(args[1]);
        int sleep = Integer.parseInt(args[2]);
        int before = Integer.parseInt(args[3]);
        int block = Integer.parseInt(args[4]);
        int after = Integer.parseInt(args[5]);
        AtomicLong done = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        for (int i = 0; i < clients; i++) {
            Thread t = new Thread(() -> {
                while (!stop.get()) {
                    if (get(port, "/sleep?ms=" + sleep, 3000)) done.incrementAndGet(); else failed.incrementAndGet();
                }
            });
            t.setDaemon(true);
            t.start();
        }
        long last = 0;
        for (int s = 1; s <= before + after; s++) {
            if (s == before + 1) {
                for (int i = 0; i < block; i++) {
                    Thread t = new Thread(() -> get(port, "/block", 0));
                    t.setDaemon(true);
                    t.start();
                }
                System.out.println("load: sent " + block + " /block requests");
            }
            Thread.sleep(1000);
            long d = done.get();
            System.out.println("load t=" + s + " completed/s=" + (d - last) + " failed=" + failed.get());
            last = d;
        }
        stop.set(true);
        System.exit(0);
    }

    static boolean get(int port, String path, int timeoutMs) {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + path).toURL().openConnection();
            c.setConnectTimeout(2000);
            c.setReadTimeout(timeoutMs);
            try (InputStream in = c.getInputStream()) {
                in.readAllBytes();
            }
            return c.getResponseCode() == 200;
        } catch (Exception e) {
            return false;
        }
    }
}
