package io.jvmhealth.agent.http;

import io.jvmhealth.agent.config.InvalidOptionException;
import io.jvmhealth.agent.config.Options;
import io.jvmhealth.agent.config.Settings;
import io.jvmhealth.agent.runtime.Catalog;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 12, item 3: every manifest in {@code scripts/k8s/} parses, and what it tells Kubernetes
 * matches what the agent serves: the agent's port (from {@code JAVA_TOOL_OPTIONS}) is the probes'
 * port, the Service's health target, the NetworkPolicy's and the scrape annotation's; the probes
 * use {@code /started}, {@code /live} and {@code /ready} as intended; every path is an
 * {@link Endpoint}; the init container copies the jar to where {@code -javaagent:} loads it from.
 */
class KubernetesManifestsTest {
    private static final Path KIT = Paths.get(System.getProperty("user.dir")).resolve("../scripts/k8s").normalize();
    private static final Pattern AGENT = Pattern.compile("-javaagent:(\\S+?\\.jar)(?:=(\\S*))?(?:\\s|$)");
    private static final int DEFAULT_PORT = 9555;
    /** Prometheus files beside the manifests, not Kubernetes objects: AlertRulesTest checks them. */
    static final Set<String> NOT_MANIFESTS = new HashSet<>(Arrays.asList("alerts.yaml", "alerts-test.yaml"));

    private static List<Map<String, Object>> documents() throws IOException {
        List<Map<String, Object>> docs = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(KIT, "*.yaml")) {
            for (Path file : files) {
                if (NOT_MANIFESTS.contains(file.getFileName().toString())) {
                    continue;
                }
                try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                    for (Object doc : new Yaml().loadAll(r)) {
                        assertTrue(doc instanceof Map, file + " holds a document that is not a mapping: " + doc);
                        Map<String, Object> m = map(doc);
                        assertNotNull(m.get("apiVersion"), file + ": apiVersion");
                        assertNotNull(m.get("kind"), file + ": kind");
                        assertNotNull(at(m, "metadata", "name"), file + ": metadata.name");
                        m.put("_file", file.getFileName().toString());
                        docs.add(m);
                    }
                }
            }
        }
        return docs;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o) {
        return o == null ? new ArrayList<>() : (List<Object>) o;
    }

    private static Object at(Object node, String... keys) {
        for (String k : keys) {
            if (!(node instanceof Map)) {
                return null;
            }
            node = ((Map<?, ?>) node).get(k);
        }
        return node;
    }

    private static List<Map<String, Object>> ofKind(List<Map<String, Object>> docs, String kind) {
        List<Map<String, Object>> found = new ArrayList<>();
        for (Map<String, Object> d : docs) {
            if (kind.equals(d.get("kind"))) {
                found.add(d);
            }
        }
        assertFalse(found.isEmpty(), "the kit has a " + kind);
        return found;
    }

    private static boolean isAgentPath(String path) {
        for (Endpoint e : Endpoint.values()) {
            if (e.path.equals(path)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The port the agent will listen on in this container, as the agent's own option parser resolves
     * the {@code -javaagent:...=OPTIONS} of {@code JAVA_TOOL_OPTIONS} and the container's
     * {@code JVMHEALTH_*} variables (a bad option there fails the test); -1 for a container without
     * the agent.
     */
    private static int agentPort(Map<String, Object> container, List<String> jarPaths) throws InvalidOptionException {
        String agentArgs = null;
        boolean agent = false;
        Map<String, String> env = new HashMap<>();
        for (Object e : list(container.get("env"))) {
            String name = String.valueOf(at(e, "name"));
            String value = String.valueOf(at(e, "value"));
            if ("JAVA_TOOL_OPTIONS".equals(name)) {
                Matcher m = AGENT.matcher(value);
                assertTrue(m.find(), "JAVA_TOOL_OPTIONS loads the agent: " + value);
                jarPaths.add(m.group(1));
                agentArgs = m.group(2);
                agent = true;
            } else if (name.startsWith(Options.ENV_PREFIX)) {
                env.put(name, value);
            }
        }
        if (!agent) {
            return -1;
        }
        Settings settings = Catalog.resolve(agentArgs, new Properties(), env).settings;
        assertEquals(DEFAULT_PORT, Catalog.resolve(null, new Properties(), Map.of()).settings.port, "the kit assumes the default port " + DEFAULT_PORT);
        return settings.port;
    }

    /** A probe's or Service's port: a number, or the name of one of the container's ports. */
    private static int resolve(Object port, Map<String, Object> container) {
        if (port instanceof Integer) {
            return (Integer) port;
        }
        for (Object p : list(container.get("ports"))) {
            if (String.valueOf(port).equals(at(p, "name"))) {
                return (Integer) at(p, "containerPort");
            }
        }
        throw new AssertionError("port '" + port + "' is not one of the container's ports " + container.get("ports"));
    }

    @Test
    void theDeploymentsProbesUseTheAgentsPortAndPaths() throws Exception {
        List<Map<String, Object>> docs = documents();
        Set<Integer> agentPorts = new HashSet<>();
        for (Map<String, Object> deployment : ofKind(docs, "Deployment")) {
            Map<String, Object> pod = map(at(deployment, "spec", "template", "spec"));
            assertEquals(at(deployment, "spec", "selector", "matchLabels"), at(deployment, "spec", "template", "metadata", "labels"));
            int withAgent = 0;
            for (Object c : list(pod.get("containers"))) {
                Map<String, Object> container = map(c);
                List<String> jars = new ArrayList<>();
                int port = agentPort(container, jars);
                if (port < 0) {
                    continue;
                }
                withAgent++;
                agentPorts.add(port);
                Map<String, String> probes = new HashMap<>();
                probes.put("startupProbe", "/started");
                probes.put("livenessProbe", "/live");
                probes.put("readinessProbe", "/ready");
                for (Map.Entry<String, String> p : probes.entrySet()) {
                    Object get = at(container, p.getKey(), "httpGet");
                    assertNotNull(get, container.get("name") + " has a " + p.getKey() + " with httpGet");
                    assertEquals(p.getValue(), at(get, "path"), p.getKey());
                    assertTrue(isAgentPath(String.valueOf(at(get, "path"))), p.getKey() + " path is served by the agent");
                    assertEquals(port, resolve(at(get, "port"), container), p.getKey() + " port is the agent's port");
                }
                assertTrue(((Integer) at(container, "startupProbe", "failureThreshold"))
                        * ((Integer) at(container, "startupProbe", "periodSeconds")) >= 60, "a startup budget of a minute or more");
                assertInitContainerCopiesTheJar(pod, container, jars.get(0));
            }
            assertEquals(1, withAgent, "one container of " + deployment.get("_file") + " runs the agent");
            Map<String, Object> annotations = map(at(deployment, "spec", "template", "metadata", "annotations"));
            assertEquals("true", annotations.get("prometheus.io/scrape"));
            assertEquals(String.valueOf(agentPorts.iterator().next()), annotations.get("prometheus.io/port"));
            assertTrue(isAgentPath(String.valueOf(annotations.get("prometheus.io/path"))));
            assertEquals(Endpoint.METRICS.path, annotations.get("prometheus.io/path"));
        }
        assertEquals(1, agentPorts.size(), "one agent port throughout the kit: " + agentPorts);
        int agentPort = agentPorts.iterator().next();

        for (Map<String, Object> policy : ofKind(docs, "NetworkPolicy")) {
            boolean healthPortListed = false;
            for (Object rule : list(at(policy, "spec", "ingress"))) {
                for (Object p : list(at(rule, "ports"))) {
                    healthPortListed |= Integer.valueOf(agentPort).equals(at(p, "port"));
                }
            }
            assertTrue(healthPortListed, "the NetworkPolicy admits the agent's port " + agentPort);
        }

        for (Map<String, Object> service : ofKind(docs, "Service")) {
            String healthPortName = null;
            for (Object p : list(at(service, "spec", "ports"))) {
                if (Integer.valueOf(agentPort).equals(at(p, "port"))) {
                    healthPortName = String.valueOf(at(p, "name"));
                    assertEquals("health", at(p, "targetPort"), "the Service targets the container's health port");
                }
            }
            assertNotNull(healthPortName, "the Service exposes the agent's port");
            for (Map<String, Object> monitor : ofKind(docs, "ServiceMonitor")) {
                assertEquals(at(service, "metadata", "labels"), at(monitor, "spec", "selector", "matchLabels"));
                for (Object e : list(at(monitor, "spec", "endpoints"))) {
                    assertEquals(healthPortName, at(e, "port"), "the ServiceMonitor scrapes the health port");
                    assertEquals(Endpoint.METRICS.path, at(e, "path"));
                }
            }
        }
    }

    private static void assertInitContainerCopiesTheJar(Map<String, Object> pod, Map<String, Object> app, String jarPath) {
        String dir = jarPath.substring(0, jarPath.lastIndexOf('/'));
        String volume = null;
        for (Object m : list(app.get("volumeMounts"))) {
            if (dir.equals(at(m, "mountPath"))) {
                volume = String.valueOf(at(m, "name"));
            }
        }
        assertNotNull(volume, "the application mounts a volume at " + dir);
        boolean emptyDir = false;
        for (Object v : list(pod.get("volumes"))) {
            emptyDir |= volume.equals(at(v, "name")) && at(v, "emptyDir") != null;
        }
        assertTrue(emptyDir, volume + " is an emptyDir");
        boolean copied = false;
        for (Object c : list(pod.get("initContainers"))) {
            List<Object> command = list(at(c, "command"));
            for (Object m : list(at(c, "volumeMounts"))) {
                copied |= volume.equals(at(m, "name")) && command.size() == 3 && "cp".equals(command.get(0))
                        && String.valueOf(command.get(1)).endsWith("/jvm-health-agent.jar")
                        && (dir + "/").equals(at(m, "mountPath") + "/") && String.valueOf(command.get(2)).startsWith(dir);
            }
        }
        assertTrue(copied, "an init container copies jvm-health-agent.jar into " + dir);
    }

    @Test
    void theInitImageBuildsFromABaseOfTheUsersChoice() throws Exception {
        String dockerfile = new String(Files.readAllBytes(KIT.resolve("Dockerfile.agent")), StandardCharsets.UTF_8);
        assertTrue(dockerfile.matches("(?s).*\nARG BASE=\\S+\nFROM \\$\\{BASE}\n.*"), dockerfile);
        assertTrue(dockerfile.contains("COPY agent/target/jvm-health-agent.jar /jvm-health-agent.jar"), dockerfile);
    }
}
