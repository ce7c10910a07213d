package io.jvmhealth.hosts;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;

import java.io.IOException;
import java.nio.file.Files;

/**
 * Embedded Tomcat answering {@code GET /} with {@code ok}. Arguments: {@code PORT DELAY_MS}: the
 * server is configured at once and started after DELAY_MS. Then stdin: {@code stop} stops Tomcat (its service, its
 * connectors) while the JVM lives on, {@code start} starts it again (see {@link Stdin}).
 */
public final class TomcatHost {
    private TomcatHost() {
    }

    public static void main(String[] args) throws Exception {
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(Files.createTempDirectory("tomcat-host").toString());
        tomcat.setPort(Integer.parseInt(args[0]));
        tomcat.getConnector();
        Context context = tomcat.addContext("", null);
        Tomcat.addServlet(context, "ok", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
                response.getWriter().write("ok");
            }
        });
        context.addServletMappingDecoded("/", "ok");
        Thread.sleep(Long.parseLong(args[1]));
        tomcat.start();
        Stdin.commands(java.util.Map.of("stop", tomcat::stop, "start", tomcat::start));
        tomcat.getServer().await();
    }
}
