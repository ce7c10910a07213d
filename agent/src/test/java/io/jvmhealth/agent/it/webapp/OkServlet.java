package io.jvmhealth.agent.it.webapp;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The one servlet of the test deployment a server's gate test waits for (ServersSetupIT's WildFly WAR, mapped in its
 * web.xml): answers every GET with 200 and a short text, so the test knows the deployment itself serves (not the
 * server's welcome page or a 404 from a context that is not there yet). Never loaded by the tests' own JVM.
 */
public final class OkServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        byte[] body = "ok\n".getBytes(StandardCharsets.UTF_8);
        response.setStatus(200);
        response.setContentType("text/plain");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
