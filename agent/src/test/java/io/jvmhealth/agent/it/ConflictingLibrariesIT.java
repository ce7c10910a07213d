package io.jvmhealth.agent.it;

import io.jvmhealth.agent.testing.AgentLines;
import io.jvmhealth.agent.testing.Artifacts;
import io.jvmhealth.agent.testing.Http;
import io.jvmhealth.agent.testing.Jdks;
import io.jvmhealth.agent.testing.Json;
import io.jvmhealth.agent.testing.OutputPump;
import io.jvmhealth.agent.testing.Poll;
import org.junit.jupiter.api.Test;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 4, item 4: a host that carries and uses jackson-core 2.9.10, nanohttpd 2.2.0 and byte-buddy
 * 1.12.19 (the agent ships 2.21, 2.3.1 and byte-buddy-agent 1.18, relocated). The host is compiled
 * here against those jars and started with the agent, once with the agent's jar after the host's
 * jars on the class path and once before them: each side must get its own versions.
 */
class ConflictingLibrariesIT {

    private static final String HOST = "import com.fasterxml.jackson.core.*;\n"
            + "import fi.iki.elonen.NanoHTTPD;\n"
            + "import net.bytebuddy.ByteBuddy;\n"
            + "import net.bytebuddy.implementation.FixedValue;\n"
            + "import net.bytebuddy.matcher.ElementMatchers;\n"
            + "import java.io.*; import java.net.*;\n"
            + "public class ConflictHost {\n"
            + "  public static void main(String[] args) throws Exception {\n"
            + "    JsonFactory f = new JsonFactory();\n"
            + "    StringWriter w = new StringWriter();\n"
            + "    JsonGenerator g = f.createGenerator(w); g.writeStartObject(); g.writeStringField(\"by\", \"host\"); g.writeEndObject(); g.close();\n"
            + "    System.out.println(\"jackson \" + f.version() + \" \" + w);\n"
            + "    NanoHTTPD nano = new NanoHTTPD(\"127.0.0.1\", 0) {\n"
            + "      @Override public Response serve(IHTTPSession s) { return newFixedLengthResponse(\"host-nano\"); }\n"
            + "    };\n"
            + "    nano.start();\n"
            + "    HttpURLConnection c = (HttpURLConnection) new URL(\"http://127.0.0.1:\" + nano.getListeningPort() + \"/\").openConnection();\n"
            + "    try (BufferedReader r = new BufferedReader(new InputStreamReader(c.getInputStream()))) {\n"
            + "      System.out.println(\"nanohttpd \" + r.readLine() + \" from \" + new File(NanoHTTPD.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getName());\n"
            + "    }\n"
            + "    Object generated = new ByteBuddy().subclass(Object.class).method(ElementMatchers.named(\"toString\"))\n"
            + "        .intercept(FixedValue.value(\"host-bytebuddy\")).make().load(ConflictHost.class.getClassLoader()).getLoaded()\n"
            + "        .getDeclaredConstructor().newInstance();\n"
            + "    System.out.println(\"byte-buddy \" + generated + \" from \" + new File(ByteBuddy.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getName());\n"
            + "    System.out.println(\"host ready\");\n"
            + "    Thread.currentThread().join(60_000); // stays up while the test talks to its agent; the test kills it\n"
            + "  }\n"
            + "}\n";

    @Test
    void hostAndAgentEachUseTheirOwnLibraryVersionsWhateverTheClassPathOrder() throws Exception {
        Path libs = Paths.get(System.getProperty("conflicting.libs", "target/conflicting-libs"));
        List<String> jars = new ArrayList<>();
        for (String jar : Arrays.asList("jackson-core-2.9.10.jar", "nanohttpd-2.2.0.jar", "byte-buddy-1.12.19.jar")) {
            Path path = libs.resolve(jar);
            assertTrue(Files.isRegularFile(path), path + " missing: the build copies it (maven-dependency-plugin, pre-integration-test)");
            jars.add(path.toAbsolutePath().toString());
        }
        Path dir = Files.createTempDirectory("jvmhealth-conflict");
        try {
            Path source = dir.resolve("ConflictHost.java");
            Files.write(source, HOST.getBytes(StandardCharsets.UTF_8));
            JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
            int rc = javac.run(null, null, null, "-nowarn", "--release", "11", "-cp", String.join(File.pathSeparator, jars),
                    "-d", dir.toString(), source.toString());
            assertEquals(0, rc, "the host compiles against the old libraries");

            String agent = Artifacts.agentJar().toString();
            List<String> hostFirst = new ArrayList<>(Collections.singletonList(dir.toString()));
            hostFirst.addAll(jars);
            List<String> agentFirst = new ArrayList<>(Arrays.asList(agent, dir.toString()));
            agentFirst.addAll(jars);
            for (List<String> classpath : Arrays.asList(hostFirst, agentFirst)) {
                runHost(String.join(File.pathSeparator, classpath), agent, classpath.get(0).equals(agent) ? "agent jar first" : "host jars first");
            }
        } finally {
            try (java.util.stream.Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void runHost(String classpath, String agentJar, String order) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Jdks.current().toString(), "-Xmx64m", "-javaagent:" + agentJar + "=port=0,interval=200ms",
                "-cp", classpath, "ConflictHost");
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.environment().keySet().removeIf(k -> k.startsWith("JVMHEALTH_"));
        pb.redirectErrorStream(true);
        Process p = pb.start();
        OutputPump pump = OutputPump.start(p.getInputStream(), "conflict-host-output");
        try {
            Poll.until("the host to use its libraries (" + order + ")", Duration.ofSeconds(30), pump::lines,
                    l -> l.contains("host ready") || !p.isAlive());
            List<String> out = pump.lines();
            assertTrue(out.contains("jackson 2.9.10 {\"by\":\"host\"}"), order + ": " + out);
            assertTrue(out.contains("nanohttpd host-nano from nanohttpd-2.2.0.jar"), order + ": " + out);
            assertTrue(out.contains("byte-buddy host-bytebuddy from byte-buddy-1.12.19.jar"), order + ": " + out);
            String url = AgentLines.url(out);
            assertNotNull(url, "no agent start line: " + out);
            Http.Response health = Poll.until("/health from the agent", Duration.ofSeconds(15), () -> Http.get(url, "/health"),
                    r -> r.status == 200 && Json.at(r.json(), "checks", "heap", "status") != null);
            Map<String, Object> body = health.json();
            assertEquals(Arrays.asList("deadlock", "heap", "gc", "threads", "memory", "fds", "cpu", "vthreads", "gc-spiral"), new ArrayList<>(((Map<?, ?>) body.get("checks")).keySet()), health.body);
            for (String line : out) {
                assertTrue(!line.contains("Exception") && !line.contains("[jvm-health] ERROR"), order + ": " + line);
            }
            System.out.println("[ConflictingLibrariesIT] " + order + ": host used jackson 2.9.10, nanohttpd 2.2.0, byte-buddy 1.12.19; agent /health "
                    + health.status + " " + Json.at(body, "status"));
        } finally {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
