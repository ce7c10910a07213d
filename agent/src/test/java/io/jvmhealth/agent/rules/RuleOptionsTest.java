package io.jvmhealth.agent.rules;

import io.jvmhealth.agent.config.InvalidOptionException;
import io.jvmhealth.agent.runtime.Catalog;
import io.jvmhealth.agent.health.Role;
import io.jvmhealth.agent.health.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RuleOptionsTest {
    private static Catalog.Configuration fromProperties(String... keyValues) throws InvalidOptionException {
        Properties p = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            p.setProperty("jvmhealth." + keyValues[i], keyValues[i + 1]);
        }
        return Catalog.resolve(null, p, Map.of());
    }

    private static Set<?> presets(Catalog.Configuration c) {
        return c.settings.get("presets", Set.class);
    }

    @Test
    void parsesEveryFieldFromSystemProperties() throws Exception {
        Catalog.Configuration s = fromProperties(
                "rule.pool.mbean", "com.zaxxer.hikari:type=Pool (*)",
                "rule.pool.attribute", "ActiveConnections",
                "rule.pool.divide", "TotalConnections",
                "rule.pool.degraded", ">= 0.8",
                "rule.pool.unhealthy", ">= 1",
                "rule.pool.for", "30s",
                "rule.pool.role", "liveness",
                "rule.pool.missing", "degraded");
        assertEquals(1, s.rules.size());
        Rule r = s.rules.get(0);
        assertEquals("pool", r.name());
        assertEquals(Role.LIVENESS, r.role());
        assertEquals(Status.DEGRADED, r.missing());
        Rule.Part p = r.parts().get(0);
        assertEquals("com.zaxxer.hikari:type=Pool (*)", p.mbean().toString());
        assertTrue(p.mbean().isPattern());
        assertEquals("ActiveConnections", p.attribute());
        assertEquals("TotalConnections", p.divide());
        assertEquals(">= 0.8", p.degraded().toString());
        assertEquals(">= 1", p.unhealthy().toString());
        assertEquals(30_000, p.forMillis());
    }

    @Test
    void defaults() throws Exception {
        Catalog.Configuration s = fromProperties("rule.a.mbean", "x:type=Y", "rule.a.attribute", "Usage.used", "rule.a.degraded", "> 1",
                "rule.gate.mbean", "x:type=Z", "rule.gate.attribute", "Ready", "rule.gate.unhealthy", "!= true", "rule.gate.role", "startup");
        Rule a = s.rules.get(0);
        assertEquals("a", a.name());
        assertEquals(Role.READINESS, a.role());
        assertEquals(Status.HEALTHY, a.missing());
        assertEquals(0, a.parts().get(0).forMillis());
        assertNull(a.parts().get(0).divide());
        assertNull(a.parts().get(0).unhealthy());
        assertEquals(Status.UNHEALTHY, s.rules.get(1).missing(), "a startup rule has not passed while nothing matches");
        assertEquals(Presets.NAMES, presets(s), "presets=all by default");
        assertEquals(1000, s.settings.millis("rules.timeout"));
    }

    @Test
    void presetsSelection() throws Exception {
        assertEquals(Set.of(), presets(fromProperties("presets", "none")));
        assertEquals(List.of("tomcat", "kafka-consumer"), List.copyOf(presets(fromProperties("presets", "tomcat,kafka-consumer"))));
        InvalidOptionException e = assertThrows(InvalidOptionException.class, () -> fromProperties("presets", "tomcat,mysql"));
        assertEquals("option 'presets' has bad value 'tomcat,mysql' (from system property -Djvmhealth.presets): expected all, none,"
                + " or a comma list of hikari, tomcat, jetty, kafka-consumer, kafka-broker", e.getMessage());
        // with the preset off, its name is free for a rule
        assertEquals("hikari", fromProperties("presets", "none", "rule.hikari.mbean", "a:b=c", "rule.hikari.attribute", "A",
                "rule.hikari.degraded", "> 1").rules.get(0).name());
    }

    @Test
    void rulesComeFromTheConfigFileAndAgentOptionsButNotTheEnvironment() throws Exception {
        Path file = Files.createTempFile("rules", ".properties");
        Files.write(file, ("rule.tp.mbean=Catalina:type=ThreadPool,name=*\nrule.tp.attribute=currentThreadsBusy\n"
                + "rule.tp.divide=maxThreads\nrule.tp.degraded=>= 0.9\n").getBytes(StandardCharsets.ISO_8859_1));
        Catalog.Configuration s = Catalog.resolve("config=" + file + ",rule.mem.mbean=java.lang:type=Memory,rule.mem.attribute=HeapMemoryUsage.used,rule.mem.degraded=> 1",
                new Properties(), Map.of());
        assertEquals(List.of("mem", "tp"), List.of(s.rules.get(0).name(), s.rules.get(1).name()));
        assertEquals("Catalina:type=ThreadPool,name=*", s.rules.get(1).parts().get(0).mbean().toString());
        InvalidOptionException e = assertThrows(InvalidOptionException.class,
                () -> Catalog.resolve(null, new Properties(), Map.of("JVMHEALTH_RULE_X_MBEAN", "a:b=c")));
        assertTrue(e.getMessage().startsWith("environment variable JVMHEALTH_RULE_X_MBEAN: rules cannot be given in the environment"), e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            // key=value pairs ; expected message
            "rule.x.degradd=> 5|option 'rule.x.degradd' (from system property -Djvmhealth.rule.x.degradd): unknown rule field 'degradd' (fields: mbean, attribute, divide, degraded, unhealthy, for, unchanged, role, missing)",
            "rule.x.degraded=>> 5|option 'rule.x.degraded' has bad value '>> 5' (from system property -Djvmhealth.rule.x.degraded): expected a condition '> N', '>= N', '< N', '<= N', '== V' or '!= V' (N a number, V a number or text)",
            "rule.x.unhealthy=> lots|option 'rule.x.unhealthy' has bad value '> lots'",
            "rule.x.mbean=no colon|option 'rule.x.mbean' has bad value 'no colon' (from system property -Djvmhealth.rule.x.mbean): expected an ObjectName or pattern",
            "rule.x.for=5 parsecs|option 'rule.x.for' has bad value '5 parsecs' (from system property -Djvmhealth.rule.x.for): expected a duration with a unit (ms, s, m, h) up to 24h",
            "rule.x.for=30|option 'rule.x.for' has bad value '30'",
            "rule.x.role=sometimes|option 'rule.x.role' has bad value 'sometimes' (from system property -Djvmhealth.rule.x.role): expected one of readiness, startup, liveness",
            "rule.x.missing=maybe|option 'rule.x.missing' has bad value 'maybe' (from system property -Djvmhealth.rule.x.missing): expected one of healthy, degraded, unhealthy",
            "rule.x.attribute=a..b|option 'rule.x.attribute' has bad value 'a..b'",
            "rule.heap.attribute=A|option 'rule.heap.attribute' (from system property -Djvmhealth.rule.heap.attribute): rule name 'heap' is taken by the built-in check 'heap'",
            "rule.kafka-broker.attribute=A|option 'rule.kafka-broker.attribute' (from system property -Djvmhealth.rule.kafka-broker.attribute): rule name 'kafka-broker' is taken by the active preset 'kafka-broker'",
            "rule.Big.attribute=A|option 'rule.Big.attribute' (from system property -Djvmhealth.rule.Big.attribute): rule name 'Big' is not valid",
            "rule.port:80.attribute=A|rule name 'port:80' is not valid",
            "rule.mbean=A|option 'rule.mbean' (from system property -Djvmhealth.rule.mbean) is not rule.<name>.<field>",
    })
    void aBadFieldIsOneMessageNamingTheKey(String override, String expected) {
        String[] kv = override.split("=", 2);
        Properties p = new Properties();
        p.setProperty("jvmhealth.rule.x.mbean", "a:b=c");
        p.setProperty("jvmhealth.rule.x.attribute", "A");
        p.setProperty("jvmhealth.rule.x.degraded", "> 5");
        p.setProperty("jvmhealth." + kv[0], kv[1]);
        InvalidOptionException e = assertThrows(InvalidOptionException.class, () -> Catalog.resolve(null, p, Map.of()));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), "one line");
    }

    @Test
    void aRuleWithoutAConditionOrMBeanIsAnError() {
        InvalidOptionException e = assertThrows(InvalidOptionException.class,
                () -> fromProperties("rule.x.mbean", "a:b=c", "rule.x.attribute", "A"));
        assertEquals("rule 'x' (from system property -Djvmhealth.rule.x.mbean) has no condition: set rule.x.degraded or rule.x.unhealthy to"
                + " a condition '> N', '>= N', '< N', '<= N', '== V' or '!= V' (N a number, V a number or text), or rule.x.unchanged to a duration", e.getMessage());
        e = assertThrows(InvalidOptionException.class, () -> fromProperties("rule.x.attribute", "A", "rule.x.degraded", "> 1"));
        assertTrue(e.getMessage().startsWith("option 'rule.x.mbean' is missing (rule from system property"), e.getMessage());
        e = assertThrows(InvalidOptionException.class, () -> fromProperties("rules.timeout", "forever"));
        assertTrue(e.getMessage().startsWith("option 'rules.timeout' has bad value 'forever'"), e.getMessage());
    }
}
