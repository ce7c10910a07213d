package io.jvmhealth.agent.http;

import io.jvmhealth.agent.testing.PromQl;
import io.jvmhealth.agent.testing.Promtool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 23, part 5: the alert rules of {@code scripts/k8s/alerts.yaml} are a tested artefact. promtool
 * accepts them and passes their unit tests ({@code alerts-test.yaml}, every alert firing and not firing);
 * a rule broken on purpose fails those tests; the rules read only the agent's metric families and
 * {@code up}; the PrometheusRule manifest carries the same groups; and the two things the rules rely
 * on in the kit hold: the unreachable alert's job selector is the ServiceMonitor's job, and the
 * ServiceMonitor keeps the agent's {@code endpoint} label.
 */
class AlertRulesTest {
    private static final Path KIT = Paths.get(System.getProperty("user.dir")).resolve("../scripts/k8s").normalize();
    private static final Pattern UP_JOB = Pattern.compile("\\bup\\{job=\"([^\"]+)\"}");

    private static Map<String, Object> load(String file) throws IOException {
        try (Reader r = Files.newBufferedReader(KIT.resolve(file), StandardCharsets.UTF_8)) {
            return map(new Yaml().load(r));
        }
    }

    private static List<Map<String, Object>> loadAll(String file) throws IOException {
        List<Map<String, Object>> docs = new ArrayList<>();
        try (Reader r = Files.newBufferedReader(KIT.resolve(file), StandardCharsets.UTF_8)) {
            for (Object doc : new Yaml().loadAll(r)) {
                docs.add(map(doc));
            }
        }
        return docs;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        assertTrue(o instanceof Map, "a mapping: " + o);
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o) {
        return o == null ? new ArrayList<>() : (List<Object>) o;
    }

    /** The alerting rules of alerts.yaml by name, in their order. */
    private static Map<String, Map<String, Object>> alerts() throws IOException {
        Map<String, Map<String, Object>> alerts = new LinkedHashMap<>();
        for (Object group : list(load("alerts.yaml").get("groups"))) {
            for (Object rule : list(map(group).get("rules"))) {
                Map<String, Object> r = map(rule);
                assertNotNull(r.get("alert"), "only alerting rules in alerts.yaml: " + r);
                assertEquals(null, alerts.put((String) r.get("alert"), r), "two alerts named " + r.get("alert"));
            }
        }
        return alerts;
    }

    @Test
    void promtoolAcceptsTheRules() throws Exception {
        Promtool.Result r = Promtool.run(KIT, "check", "rules", "alerts.yaml");
        assertEquals(0, r.exit, r.toString());
        assertTrue(r.output.contains("SUCCESS: " + alerts().size() + " rules found"), r.toString());
    }

    @Test
    void everyAlertBehavesAsItsUnitTestsSay() throws Exception {
        Promtool.Result r = Promtool.run(KIT, "test", "rules", "alerts-test.yaml");
        assertEquals(0, r.exit, r.toString());
        assertTrue(r.output.contains("SUCCESS"), r.toString());
    }

    /** The unit tests can fail: without its shutdown exclusion, JvmNotReady fires for a draining pod. */
    @Test
    void aBrokenRuleFailsItsUnitTests(@TempDir Path dir) throws Exception {
        String rules = new String(Files.readAllBytes(KIT.resolve("alerts.yaml")), StandardCharsets.UTF_8);
        String exclusion = "        unless on (job, instance) (jvmhealth_shutdown{state!=\"running\"} == 1)\n    for: 10m";
        assertTrue(rules.contains(exclusion), "JvmNotReady excludes pods that are shutting down");
        Files.write(dir.resolve("alerts.yaml"), rules.replaceFirst(Pattern.quote(exclusion), "    for: 10m").getBytes(StandardCharsets.UTF_8));
        Files.copy(KIT.resolve("alerts-test.yaml"), dir.resolve("alerts-test.yaml"));
        assertEquals(0, Promtool.run(dir, "check", "rules", "alerts.yaml").exit, "the broken rule is still valid PromQL");

        Promtool.Result r = Promtool.run(dir, "test", "rules", "alerts-test.yaml");
        assertNotEquals(0, r.exit, r.toString());
        assertTrue(r.output.contains("a pod that is draining or stopping is not reported as not ready"), r.toString());
        assertTrue(r.output.contains("alertname: JvmNotReady"), r.toString());
    }

    /** Each alert has a test in which it fires and one in which it must not. */
    @Test
    void everyAlertIsTestedFiringAndNotFiring() throws Exception {
        Set<String> firing = new TreeSet<>();
        Set<String> silent = new TreeSet<>();
        Map<String, Object> tests = load("alerts-test.yaml");
        assertEquals(List.of("alerts.yaml"), tests.get("rule_files"));
        for (Object test : list(tests.get("tests"))) {
            assertNotNull(map(test).get("name"), "every test has a name: " + test);
            for (Object t : list(map(test).get("alert_rule_test"))) {
                String name = (String) map(t).get("alertname");
                (list(map(t).get("exp_alerts")).isEmpty() ? silent : firing).add(name);
            }
        }
        Set<String> names = new TreeSet<>(alerts().keySet());
        assertEquals(names, firing, "alerts shown firing");
        assertEquals(names, silent, "alerts shown not firing");
    }

    @Test
    void theRulesReadOnlyTheAgentsFamiliesAndUp() throws Exception {
        for (Map.Entry<String, Map<String, Object>> a : alerts().entrySet()) {
            Set<String> read = PromQl.metricNames(String.valueOf(a.getValue().get("expr")));
            assertTrue(!read.isEmpty() && PromQl.AGENT_FAMILIES.containsAll(read), a.getKey() + " reads " + read);
        }
    }

    @Test
    void everyAlertHasASeverityASummaryNamingThePodAndADescription() throws Exception {
        for (Map.Entry<String, Map<String, Object>> a : alerts().entrySet()) {
            Map<String, Object> labels = map(a.getValue().get("labels"));
            assertTrue(Set.of("warning", "critical").contains(labels.get("severity")), a.getKey() + " severity " + labels);
            Map<String, Object> annotations = map(a.getValue().get("annotations"));
            String summary = String.valueOf(annotations.get("summary"));
            assertTrue(summary.contains("{{ $labels.namespace }}/{{ $labels.pod }}"), a.getKey() + " summary names the pod: " + summary);
            assertTrue(String.valueOf(annotations.get("description")).length() > 100, a.getKey() + " has a description");
        }
    }

    @Test
    void thePrometheusRuleCarriesTheSameGroups() throws Exception {
        Map<String, Object> rule = load("prometheusrule.yaml");
        assertEquals("monitoring.coreos.com/v1", rule.get("apiVersion"));
        assertEquals("PrometheusRule", rule.get("kind"));
        assertEquals(load("alerts.yaml").get("groups"), map(rule.get("spec")).get("groups"),
                "prometheusrule.yaml's spec.groups differ from alerts.yaml's groups: change both");
    }

    /** A ServiceMonitor's job is its Service's name: the selector of JvmHealthAgentUnreachable names the kit's. */
    @Test
    void theUnreachableAlertsJobIsTheServiceMonitorsJob() throws Exception {
        Matcher m = UP_JOB.matcher(String.valueOf(alerts().get("JvmHealthAgentUnreachable").get("expr")));
        assertTrue(m.find(), "JvmHealthAgentUnreachable selects up{job=\"...\"}");
        Map<String, Object> monitor = loadAll("servicemonitor.yaml").get(0);
        Object selector = map(map(monitor.get("spec")).get("selector")).get("matchLabels");
        assertEquals(null, map(monitor.get("spec")).get("jobLabel"), "no jobLabel: the job is the Service's name");
        String service = null;
        for (Map<String, Object> doc : loadAll("deployment.yaml")) {
            if ("Service".equals(doc.get("kind")) && selector.equals(map(doc.get("metadata")).get("labels"))) {
                service = (String) map(doc.get("metadata")).get("name");
            }
        }
        assertEquals(service, m.group(1));
    }

    /**
     * The Operator labels each target endpoint="health" (the port's name), which pushes the agent's own
     * label aside as exported_endpoint; the ServiceMonitor must give it back for jvmhealth_up{endpoint="live"}
     * (seen on Prometheus 2.42 with a target label endpoint="health": jvmhealth_up{endpoint="health",
     * exported_endpoint="live"} without the relabeling, jvmhealth_up{endpoint="live"} with it).
     */
    @Test
    void theServiceMonitorGivesTheAgentsEndpointLabelBack() throws Exception {
        Map<String, Object> monitor = loadAll("servicemonitor.yaml").get(0);
        for (Object endpoint : list(map(monitor.get("spec")).get("endpoints"))) {
            List<Object> relabelings = list(map(endpoint).get("metricRelabelings"));
            assertEquals(2, relabelings.size(), "metricRelabelings: " + relabelings);
            Map<String, Object> replace = map(relabelings.get(0));
            assertEquals(List.of("exported_endpoint"), replace.get("sourceLabels"));
            assertEquals("(.+)", replace.get("regex"));
            assertEquals("endpoint", replace.get("targetLabel"));
            assertEquals("replace", replace.get("action"));
            Map<String, Object> drop = map(relabelings.get(1));
            assertEquals("exported_endpoint", drop.get("regex"));
            assertEquals("labeldrop", drop.get("action"));
        }
    }
}
