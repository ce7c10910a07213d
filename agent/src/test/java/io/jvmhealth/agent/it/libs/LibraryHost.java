package io.jvmhealth.agent.it.libs;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

/**
 * A host built on a real library, for the presets: {@code hikari} (a HikariCP pool "db" of 2 on H2
 * with registerMbeans=true; {@code exhaust} takes both connections and starts 3 threads waiting for
 * one), {@code tomcat} (embedded Tomcat with 2 request threads on a free port, printed as
 * {@code port N}; requests to /block wait until {@code release}), {@code jetty} (Jetty 12 with a
 * QueuedThreadPool of 8 and Jetty's MBeanContainer; every request waits until {@code release}), {@code kafka} (a KafkaConsumer
 * "orders" pointed at a closed 127.0.0.1 port: its metrics MBeans exist without a broker).
 * Commands on stdin; each prints {@code ok COMMAND}; {@code exit} ends it.
 */
public final class LibraryHost {
    private static final CountDownLatch RELEASE = new CountDownLatch(1);

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        List<Object> keep = new ArrayList<>();
        switch (mode) {
            case "hikari": {
                HikariConfig config = new HikariConfig();
                config.setJdbcUrl("jdbc:h2:mem:host;DB_CLOSE_DELAY=-1");
                config.setPoolName("db");
                config.setMaximumPoolSize(2);
                config.setMinimumIdle(2);
                config.setConnectionTimeout(600_000);
                config.setRegisterMbeans(true);
                keep.add(new HikariDataSource(config));
                break;
            }
            case "tomcat": {
                Tomcat tomcat = new Tomcat();
                tomcat.setBaseDir(Files.createTempDirectory("tomcat").toString());
                Connector connector = new Connector();
                connector.setPort(0);
                connector.setProperty("maxThreads", "2");
                connector.setProperty("minSpareThreads", "1");
                tomcat.getService().addConnector(connector);
                tomcat.setConnector(connector);
                Context ctx = tomcat.addContext("", null);
                Tomcat.addServlet(ctx, "block", new HttpServlet() {
                    @Override
                    protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
                        try {
                            RELEASE.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        resp.setStatus(200);
                    }
                });
                ctx.addServletMappingDecoded("/block", "block");
                tomcat.start();
                keep.add(tomcat);
                System.out.println("port " + connector.getLocalPort());
                break;
            }
            case "jetty": {
                org.eclipse.jetty.util.thread.QueuedThreadPool pool = new org.eclipse.jetty.util.thread.QueuedThreadPool(8, 2);
                org.eclipse.jetty.server.Server server = new org.eclipse.jetty.server.Server(pool);
                org.eclipse.jetty.server.ServerConnector connector = new org.eclipse.jetty.server.ServerConnector(server, 1, 1);
                connector.setPort(0);
                server.addConnector(connector);
                server.addBean(new org.eclipse.jetty.jmx.MBeanContainer(java.lang.management.ManagementFactory.getPlatformMBeanServer()));
                server.setHandler(new org.eclipse.jetty.server.Handler.Abstract() {
                    @Override
                    public boolean handle(org.eclipse.jetty.server.Request request, org.eclipse.jetty.server.Response response,
                                          org.eclipse.jetty.util.Callback callback) throws Exception {
                        RELEASE.await();
                        response.setStatus(200);
                        callback.succeeded();
                        return true;
                    }
                });
                server.start();
                keep.add(server);
                System.out.println("port " + connector.getLocalPort());
                break;
            }
            case "kafka": {
                int closed = io.jvmhealth.agent.testing.FreePort.find(); // nothing listens there
                Properties p = new Properties();
                p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + closed);
                p.put(ConsumerConfig.CLIENT_ID_CONFIG, "orders");
                p.put(ConsumerConfig.GROUP_ID_CONFIG, "g");
                p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
                p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
                keep.add(new KafkaConsumer<String, String>(p));
                break;
            }
            default:
                throw new IllegalArgumentException(mode);
        }
        System.out.println("host started " + mode);
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.equals("exhaust")) {
                HikariDataSource ds = (HikariDataSource) keep.get(0);
                keep.add(ds.getConnection());
                keep.add(ds.getConnection());
                for (int i = 0; i < 3; i++) {
                    Thread t = new Thread(() -> {
                        try (Connection c = ds.getConnection()) {
                            c.isValid(1);
                        } catch (Exception e) {
                            // the test ends the host first
                        }
                    }, "waiter-" + i);
                    t.setDaemon(true);
                    t.start();
                }
            } else if (line.equals("release")) {
                RELEASE.countDown();
            } else if (line.equals("exit")) {
                System.exit(0);
            }
            System.out.println("ok " + line);
            System.out.flush();
        }
    }
}
