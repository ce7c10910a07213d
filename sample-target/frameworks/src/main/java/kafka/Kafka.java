package kafka;

import kafka.server.BrokerStateGauge;

import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import javax.management.ObjectName;

/**
 * A stand-in for a Kafka broker (a real broker does not start fast enough for a test): the main
 * class is named {@code kafka.Kafka} like Kafka's, classes of {@code kafka.server} load, and the
 * broker's gauge {@code kafka.server:type=KafkaServer,name=BrokerState} is registered in the same
 * shape as Kafka's Yammer gauge (attribute {@code Value}): 1 (STARTING) at once, then after
 * DELAY_MS the port opens (answering {@code HTTP/1.1 200} to anything) and the gauge reads 3 (RUNNING).
 * Arguments: {@code PORT DELAY_MS}. Then stdin: {@code stop} sets the gauge to 6 (PENDING_CONTROLLED_SHUTDOWN: what a
 * broker's controlled shutdown reads first), the JVM and its port living on (see {@link io.jvmhealth.hosts.Stdin}).
 */
public final class Kafka {
    private Kafka() {
    }

    public static void main(String[] args) throws Exception {
        BrokerStateGauge gauge = new BrokerStateGauge();
        ManagementFactory.getPlatformMBeanServer().registerMBean(gauge, new ObjectName("kafka.server:type=KafkaServer,name=BrokerState"));
        gauge.set(1);
        Thread.sleep(Long.parseLong(args[1]));
        ServerSocket server = new ServerSocket(Integer.parseInt(args[0]));
        gauge.set(3);
        io.jvmhealth.hosts.Stdin.commandsInBackground(java.util.Map.of("stop", () -> gauge.set(6)));
        while (true) {
            try (Socket s = server.accept()) {
                OutputStream out = s.getOutputStream();
                out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            } catch (Exception ignored) {
                // next client
            }
        }
    }
}
