package io.jvmhealth.agent.http;

import com.fasterxml.jackson.core.JsonFactory;
import fi.iki.elonen.NanoHTTPD;
import io.jvmhealth.agent.testing.Jdks;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Proves that serving a non-loopback client costs no reverse DNS lookup, NanoHTTPD's trap (its
 * {@code HTTPSession} calls {@code InetAddress.getHostName()} for every such client).
 *
 * <p>Method: in a JDK 25 JVM, every host-name resolution goes through a resolver registered with
 * the JDK 18+ {@code java.net.spi.InetAddressResolverProvider} service, which counts
 * {@code lookupByAddress} calls (and answers none). {@link ReverseLookupProbe} serves one real
 * TCP request from this machine's non-loopback address when it has one (the agent's selector loop
 * never asks a client's address for anything); the count must stay 0. Two controls show the counter
 * works: NanoHTTPD's own session on such an address, and {@code getHostName()} on a client address,
 * each add one.
 */
class NoReverseLookupTest {
    private static final String PROVIDER = "package probe;\n"
            + "import java.net.*; import java.net.spi.*; import java.util.concurrent.atomic.AtomicInteger; import java.util.stream.Stream;\n"
            + "public final class CountingResolverProvider extends InetAddressResolverProvider {\n"
            + "  public static final AtomicInteger REVERSE_LOOKUPS = new AtomicInteger();\n"
            + "  @Override public InetAddressResolver get(InetAddressResolverProvider.Configuration c) {\n"
            + "    InetAddressResolver builtin = c.builtinResolver();\n"
            + "    return new InetAddressResolver() {\n"
            + "      public Stream<InetAddress> lookupByName(String host, InetAddressResolver.LookupPolicy p) throws UnknownHostException {\n"
            + "        return builtin.lookupByName(host, p);\n"
            + "      }\n"
            + "      public String lookupByAddress(byte[] addr) throws UnknownHostException {\n"
            + "        REVERSE_LOOKUPS.incrementAndGet();\n"
            + "        throw new UnknownHostException(\"counted, not resolved\");\n"
            + "      }\n"
            + "    };\n"
            + "  }\n"
            + "  @Override public String name() { return \"counting\"; }\n"
            + "}\n";

    @Test
    void servingANonLoopbackClientDoesNoReverseLookup() throws Exception {
        Path java = Jdks.requireJava25();
        Path javac = java.resolveSibling("javac");
        Path dir = Files.createTempDirectory("jvmhealth-resolver");
        try {
            Path source = dir.resolve("probe/CountingResolverProvider.java");
            Files.createDirectories(source.getParent());
            Files.write(source, PROVIDER.getBytes(StandardCharsets.UTF_8));
            Path services = dir.resolve("META-INF/services/java.net.spi.InetAddressResolverProvider");
            Files.createDirectories(services.getParent());
            Files.write(services, "probe.CountingResolverProvider\n".getBytes(StandardCharsets.UTF_8));
            run(Arrays.asList(javac.toString(), "-d", dir.toString(), source.toString()));

            String classpath = String.join(File.pathSeparator, dir.toString(), location(ReverseLookupProbe.class),
                    location(HealthServer.class), location(NanoHTTPD.class), location(JsonFactory.class));
            Map<String, String> out = new HashMap<>();
            for (String line : run(Arrays.asList(java.toString(), "-Djava.io.tmpdir=" + dir, "-cp", classpath,
                    ReverseLookupProbe.class.getName())).split("\n")) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    out.put(line.substring(0, eq), line.substring(eq + 1).trim());
                }
            }
            System.out.println("[NoReverseLookupTest] " + out);
            assertTrue(out.get("real-answer").startsWith("HTTP/1.1 200 OK") || out.get("real-answer").startsWith("none"), out.toString());
            assertEquals("0", out.get("lookups-serving"), "reverse lookups while serving: " + out);
            assertEquals("1", out.get("lookups-after-nanohttpd-session"), "control: NanoHTTPD's session looks the client up: " + out);
            assertEquals("2", out.get("lookups-after-getHostName"), "control: getHostName() is counted: " + out);
        } finally {
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static String location(Class<?> c) throws Exception {
        return Paths.get(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
        byte[] output = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "did not finish: " + command);
        String text = new String(output, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), command + " failed: " + text);
        return text;
    }
}
