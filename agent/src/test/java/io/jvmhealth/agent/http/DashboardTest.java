package io.jvmhealth.agent.http;

import io.jvmhealth.agent.testing.Json;
import io.jvmhealth.agent.testing.PromQl;
import io.jvmhealth.agent.testing.Promtool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 23, part 5: {@code scripts/k8s/dashboard.json} is a Grafana dashboard that any Prometheus data
 * source can feed: a {@code datasource} variable, {@code namespace} and {@code pod} variables, every
 * panel with that data source and a unique id, every query reading only the agent's metric families
 * (and {@code up}), every family shown, and every query valid PromQL (promtool, where installed).
 */
class DashboardTest {
    private static final Path DASHBOARD = Paths.get(System.getProperty("user.dir"))
            .resolve("../scripts/k8s/dashboard.json").normalize();
    private static final String DATASOURCE = "${datasource}";
    private static final Pattern SELECTOR = Pattern.compile("\\b(jvmhealth_[a-z_]+|up)\\{([^}]*)}");
    private static final Pattern UNFILTERED = Pattern.compile("\\b(jvmhealth_[a-z_]+|up)\\b(?!\\{)");

    private static Map<String, Object> dashboard() throws IOException {
        return Json.parseObject(new String(Files.readAllBytes(DASHBOARD), StandardCharsets.UTF_8));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        assertTrue(o instanceof Map, "an object: " + o);
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o) {
        assertTrue(o instanceof List, "an array: " + o);
        return (List<Object>) o;
    }

    private static List<Map<String, Object>> panels() throws IOException {
        List<Map<String, Object>> panels = new ArrayList<>();
        for (Object p : list(dashboard().get("panels"))) {
            panels.add(map(p));
            assertFalse(map(p).containsKey("panels"), "no collapsed rows hiding panels: " + map(p).get("title"));
        }
        return panels;
    }

    private static Map<String, Map<String, Object>> variables() throws IOException {
        Map<String, Map<String, Object>> vars = new LinkedHashMap<>();
        for (Object v : list(map(dashboard().get("templating")).get("list"))) {
            vars.put((String) map(v).get("name"), map(v));
        }
        return vars;
    }

    /** Every PromQL expression of the dashboard, named by where it is: panel targets and query variables. */
    private static Map<String, String> expressions() throws IOException {
        Map<String, String> exprs = new LinkedHashMap<>();
        for (Map<String, Object> p : panels()) {
            for (Object t : list(p.get("targets"))) {
                exprs.put("panel " + p.get("id") + " (" + p.get("title") + ") " + map(t).get("refId"), (String) map(t).get("expr"));
            }
        }
        for (Map<String, Object> v : variables().values()) {
            if ("query".equals(v.get("type"))) {
                String q = (String) v.get("query");
                assertTrue(q.startsWith("label_values(") && q.endsWith(")"), "variable " + v.get("name") + ": " + q);
                String inner = q.substring("label_values(".length(), q.lastIndexOf(','));
                exprs.put("variable " + v.get("name"), inner);
            }
        }
        return exprs;
    }

    @Test
    void isADashboardWithADatasourceANamespaceAndAPodVariable() throws Exception {
        Map<String, Object> d = dashboard();
        assertEquals("jvm-health-fleet", d.get("uid"));
        assertNotNull(d.get("title"));
        assertTrue(((Number) d.get("schemaVersion")).intValue() >= 36, "a current schema: " + d.get("schemaVersion"));
        assertEquals(null, d.get("id"), "no instance id: Grafana assigns it on import");
        assertFalse(d.containsKey("__inputs"), "no __inputs: the datasource variable chooses the data source");

        Map<String, Map<String, Object>> vars = variables();
        assertEquals(List.of("datasource", "namespace", "pod"), new ArrayList<>(vars.keySet()));
        assertEquals("datasource", vars.get("datasource").get("type"));
        assertEquals("prometheus", vars.get("datasource").get("query"));
        for (String name : new String[] {"namespace", "pod"}) {
            Map<String, Object> v = vars.get(name);
            assertEquals("query", v.get("type"), name);
            assertEquals(DATASOURCE, map(v.get("datasource")).get("uid"), name);
            assertTrue(String.valueOf(v.get("query")).endsWith(", " + name + ")"), name + " lists label values of " + name);
            assertEquals(Boolean.TRUE, v.get("includeAll"), name);
            assertEquals(Boolean.TRUE, v.get("multi"), name);
        }
        assertTrue(String.valueOf(vars.get("pod").get("query")).contains("namespace=~\"$namespace\""), "pods of the chosen namespaces");
    }

    @Test
    void everyPanelHasTheDatasourceAUniqueIdAndItsOwnPlace() throws Exception {
        Set<Object> ids = new HashSet<>();
        List<long[]> places = new ArrayList<>();
        for (Map<String, Object> p : panels()) {
            String name = "panel " + p.get("id") + " (" + p.get("title") + ")";
            assertTrue(p.get("id") instanceof Long, name + " has a numeric id");
            assertTrue(ids.add(p.get("id")), name + ": its id is unique");
            assertEquals("prometheus", map(p.get("datasource")).get("type"), name);
            assertEquals(DATASOURCE, map(p.get("datasource")).get("uid"), name);
            assertTrue(String.valueOf(p.get("description")).length() > 10, name + " has a description");
            List<Object> targets = list(p.get("targets"));
            assertFalse(targets.isEmpty(), name + " has a query");
            Set<Object> refIds = new HashSet<>();
            for (Object t : targets) {
                assertEquals(DATASOURCE, map(map(t).get("datasource")).get("uid"), name);
                assertTrue(refIds.add(map(t).get("refId")), name + ": refIds unique");
                assertFalse(String.valueOf(map(t).get("expr")).trim().isEmpty(), name);
            }
            Map<String, Object> g = map(p.get("gridPos"));
            long[] box = {(Long) g.get("x"), (Long) g.get("y"), (Long) g.get("w"), (Long) g.get("h")};
            assertTrue(box[0] >= 0 && box[2] > 0 && box[0] + box[2] <= 24 && box[3] > 0, name + " fits the 24 columns");
            for (long[] other : places) {
                boolean apart = box[0] + box[2] <= other[0] || other[0] + other[2] <= box[0]
                        || box[1] + box[3] <= other[1] || other[1] + other[3] <= box[1];
                assertTrue(apart, name + " overlaps another panel");
            }
            places.add(box);
        }
    }

    @Test
    void everyQueryReadsOnlyTheAgentsFamiliesAndEveryFamilyIsShown() throws Exception {
        Set<String> shown = new TreeSet<>();
        for (Map.Entry<String, String> e : expressions().entrySet()) {
            Set<String> read = PromQl.metricNames(e.getValue());
            assertFalse(read.isEmpty(), e.getKey() + " reads a metric: " + e.getValue());
            assertTrue(PromQl.AGENT_FAMILIES.containsAll(read), e.getKey() + " reads " + read + ": " + e.getValue());
            shown.addAll(read);
        }
        assertEquals(PromQl.AGENT_FAMILIES, shown, "every family on the dashboard");
    }

    /** What the issue asks to see: probes, each check's status over time, transitions, age, evidence, shutdown. */
    @Test
    void showsProbesChecksAndShutdownOverTime() throws Exception {
        Map<String, String> timelines = new LinkedHashMap<>();
        for (Map<String, Object> p : panels()) {
            if ("state-timeline".equals(p.get("type"))) {
                timelines.put((String) p.get("title"), (String) map(list(p.get("targets")).get(0)).get("expr"));
            }
        }
        assertTrue(timelines.values().stream().anyMatch(e -> e.contains("jvmhealth_up{") && e.contains("live|ready|started")), timelines.toString());
        assertTrue(timelines.values().stream().anyMatch(e -> e.contains("jvmhealth_check_status{")), timelines.toString());
        assertTrue(timelines.values().stream().anyMatch(e -> e.contains("jvmhealth_shutdown{")), timelines.toString());
        assertTrue(expressions().values().stream().anyMatch(e -> e.contains("increase(jvmhealth_check_transitions_total{")));
        for (Map<String, Object> p : panels()) {
            for (Object t : list(p.get("targets"))) {
                String e = (String) map(t).get("expr");
                assertFalse(UNFILTERED.matcher(e).find(), "every selector has a label filter: " + e);
                Matcher m = SELECTOR.matcher(e);
                while (m.find()) {
                    assertTrue(m.group(2).contains("namespace=~\"$namespace\"") && m.group(2).contains("pod=~\"$pod\""),
                            "panel " + p.get("id") + " filters " + m.group(1) + " by the namespace and pod variables: " + e);
                }
            }
        }
    }

    /** promtool parses each query (Grafana's variables replaced by values) as a recording rule. */
    @Test
    void everyQueryIsValidPromQl(@TempDir Path dir) throws Exception {
        Promtool.require();
        StringBuilder rules = new StringBuilder("groups:\n- name: dashboard\n  rules:\n");
        int n = 0;
        for (String expr : expressions().values()) {
            String concrete = expr.replace("$namespace", ".*").replace("$pod", ".*")
                    .replace("$__rate_interval", "2m").replace("$__range", "6h").replace("$__interval", "1m");
            assertFalse(concrete.contains("$"), "a variable left in " + concrete);
            rules.append("  - record: dashboard:query_").append(n++).append("\n    expr: '")
                    .append(concrete.replace("'", "''")).append("'\n");
        }
        Files.write(dir.resolve("dashboard-queries.yaml"), rules.toString().getBytes(StandardCharsets.UTF_8));
        Promtool.Result r = Promtool.run(dir, "check", "rules", "dashboard-queries.yaml");
        assertEquals(0, r.exit, r + "\n" + rules);
        assertTrue(r.output.contains("SUCCESS: " + n + " rules found"), r.toString());
    }

    @Test
    void metricNamesAreReadFromPromQl() {
        assertEquals(Set.of("jvmhealth_check_transitions_total", "up"), PromQl.metricNames(
                "round(sum without (status) (increase(jvmhealth_check_transitions_total{check=~\"a|b\",pod=\"x}\"}[1h]))) > 6"
                        + " and on (job, instance) up offset 5m"));
        assertEquals(Set.of("jvmhealth_up"), PromQl.metricNames(
                "count(jvmhealth_up{endpoint=\"live\"} == 0) by (pod) or vector(0) * 1e3 + .5"));
        assertEquals(Set.of(), PromQl.metricNames("time() - 2"));
    }
}
