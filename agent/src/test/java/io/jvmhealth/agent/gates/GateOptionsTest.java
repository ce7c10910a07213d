package io.jvmhealth.agent.gates;

import io.jvmhealth.agent.config.InvalidOptionException;
import io.jvmhealth.agent.config.Settings;
import io.jvmhealth.agent.runtime.Catalog;

import org.junit.jupiter.api.Test;

import java.util.Collections;
import java.util.List;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Parsing and validation of ready.port, ready.after and ready.auto. */
class GateOptionsTest {
    private static Settings resolve(String args) throws InvalidOptionException {
        return Catalog.resolve(args, new Properties(), Collections.emptyMap()).settings;
    }

    private static List<?> ports(Settings s) {
        return s.get("ready.port", List.class);
    }

    @SuppressWarnings("unchecked")
    private static List<MethodSpec> methods(Settings s) {
        return s.get("ready.after", List.class);
    }

    private static String error(String args) {
        return assertThrows(InvalidOptionException.class, () -> resolve(args)).getMessage();
    }

    @Test
    void noGatesByDefaultAndAutoOn() throws Exception {
        Settings s = resolve(null);
        assertEquals(List.of(), ports(s));
        assertEquals(List.of(), methods(s));
        assertTrue(s.flag("ready.auto"));
    }

    @Test
    void portsAreACommaListInOrderWithoutDuplicates() throws Exception {
        assertEquals(List.of(8080, 8443), ports(resolve("ready.port=8080,8443,8080")));
        assertEquals(List.of(1, 65535), ports(resolve("ready.port= 1 , 65535")));
    }

    @Test
    void badPortsNameTheKeyThePortAndWhatIsAccepted() {
        for (String bad : List.of("80a", "70000", "0", "-1", "123456", "8080;8443")) {
            String m = error("ready.port=" + bad);
            assertTrue(m.startsWith("option 'ready.port' has bad port"), m);
            assertTrue(m.contains("from agent options"), m);
            assertTrue(m.contains("expected port numbers from 1 to 65535"), m);
        }
    }

    @Test
    void theAgentsOwnPortIsNotAnApplicationPort() {
        String m = error("port=9555,ready.port=9555");
        assertTrue(m.contains("the agent's own port"), m);
    }

    @Test
    void methodsAreClassHashMethod() throws Exception {
        List<MethodSpec> m = methods(resolve("ready.after=com.acme.App#start,com.acme.App$Inner#run,Top#go"));
        assertEquals(3, m.size());
        assertEquals("com.acme.App", m.get(0).className);
        assertEquals("start", m.get(0).methodName);
        assertEquals("com.acme.App$Inner", m.get(1).className);
        assertEquals("Top", m.get(2).className);
    }

    @Test
    void badMethodsNameTheKeyAndTheExpectedForm() {
        for (String bad : List.of("com.acme.App", "com.acme.App#", "#start", "com.acme.1App#start", "com..App#start",
                "com.acme.App#st-art", "com.acme.App#start#again", "com.acme.App.start()")) {
            String m = error("ready.after=" + bad);
            assertTrue(m.startsWith("option 'ready.after' has bad method '" + bad + "'"), m);
            assertTrue(m.contains("expected fully.qualified.Class#method"), m);
        }
    }

    @Test
    void autoIsTrueOrFalse() throws Exception {
        assertFalse(resolve("ready.auto=false").flag("ready.auto"));
        assertTrue(resolve("ready.auto=TRUE").flag("ready.auto"));
        String m = error("ready.auto=maybe");
        assertTrue(m.contains("option 'ready.auto' has bad value 'maybe'") && m.contains("true or false"), m);
    }

    @Test
    void gatesComeFromEveryOptionSource() throws Exception {
        Properties p = new Properties();
        p.setProperty("jvmhealth.ready.port", "8081");
        assertEquals(List.of(8081), ports(Catalog.resolve(null, p, Collections.emptyMap()).settings));
        assertEquals(List.of(8082),
                ports(Catalog.resolve(null, new Properties(), Collections.singletonMap("JVMHEALTH_READY_PORT", "8082")).settings));
    }
}
