package io.jvmhealth.agent.config;

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
        return Options.resolve(args, new Properties(), Collections.emptyMap());
    }

    private static String error(String args) {
        return assertThrows(InvalidOptionException.class, () -> resolve(args)).getMessage();
    }

    @Test
    void noGatesByDefaultAndAutoOn() throws Exception {
        Settings s = resolve(null);
        assertEquals(List.of(), s.readyPorts);
        assertEquals(List.of(), s.readyAfter);
        assertTrue(s.readyAuto);
    }

    @Test
    void portsAreACommaListInOrderWithoutDuplicates() throws Exception {
        assertEquals(List.of(8080, 8443), resolve("ready.port=8080,8443,8080").readyPorts);
        assertEquals(List.of(1, 65535), resolve("ready.port= 1 , 65535").readyPorts);
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
        List<MethodSpec> m = resolve("ready.after=com.acme.App#start,com.acme.App$Inner#run,Top#go").readyAfter;
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
        assertFalse(resolve("ready.auto=false").readyAuto);
        assertTrue(resolve("ready.auto=TRUE").readyAuto);
        String m = error("ready.auto=maybe");
        assertTrue(m.contains("option 'ready.auto' has bad value 'maybe'") && m.contains("true or false"), m);
    }

    @Test
    void gatesComeFromEveryOptionSource() throws Exception {
        Properties p = new Properties();
        p.setProperty("jvmhealth.ready.port", "8081");
        assertEquals(List.of(8081), Options.resolve(null, p, Collections.emptyMap()).readyPorts);
        assertEquals(List.of(8082),
                Options.resolve(null, new Properties(), Collections.singletonMap("JVMHEALTH_READY_PORT", "8082")).readyPorts);
    }
}
