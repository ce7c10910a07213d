package io.jvmhealth.hosts.pools;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.modeler.Registry;

import java.io.IOException;
import java.nio.file.Files;

/**
 * Embedded Tomcat with a small request pool, for hung-pool tests: {@code /block} never answers, {@code /sleep?ms=N}
 * answers after N ms, {@code /} at once. Arguments: {@code PORT THREADS MBEANS [report]}: THREADS request threads
 * (maxThreads = minSpareThreads); MBEANS {@code false} disables Tomcat's MBean registry before anything is created,
 * as Spring Boot does by default ({@code server.tomcat.mbeanregistry.enabled=false}); {@code report}: figures on
 * stderr every second ({@link PoolReport}).
 */
public final class HungTomcatHost {
    private HungTomcatHost() {
    }

    public static void main(String[] args) throws Exception {
        int threads = Integer.parseInt(args[1]);
        if (!Boolean.parseBoolean(args[2])) {
            Registry.disableRegistry();
        }
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(Files.createTempDirectory("hung-tomcat").toString());
        tomcat.setPort(Integer.parseInt(args[0]));
        Connector connector = tomcat.getConnector();
        connector.setProperty("maxThreads", String.valueOf(threads));
        connector.setProperty("minSpareThreads", String.valueOf(threads));
        Context context = tomcat.addContext("", null);
        Tomcat.addServlet(context, "all", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
                response.getWriter().write(Blocking.handle(request.getRequestURI(), request.getQueryString()));
            }
        });
        context.addServletMappingDecoded("/", "all");
        tomcat.start();
        System.out.println("started");
        if (args.length > 3 && "report".equals(args[3])) {
            PoolReport.start();
        }
        tomcat.getServer().await();
    }
}
