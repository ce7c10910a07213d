package io.jvmhealth.agent.it;

import io.jvmhealth.agent.testing.Http;
import io.jvmhealth.agent.testing.TargetJvm;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.time.Duration;
import java.util.Collections;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An agent bound to IPv6 loopback logs and serves the URL {@code http://[::1]:PORT/}. */
class Ipv6IT {

    private static boolean hasIpv6Loopback() throws Exception {
        for (NetworkInterface i : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (InetAddress a : Collections.list(i.getInetAddresses())) {
                if (a instanceof Inet6Address && a.isLoopbackAddress()) {
                    return true;
                }
            }
        }
        return false;
    }

    @Test
    void hostColonColonOneGivesABracketedUrlThatAnswers() throws Exception {
        Assumptions.assumeTrue(hasIpv6Loopback(), "SKIPPED: this machine has no IPv6 loopback address");
        try (TargetJvm target = TargetJvm.builder().agent("port=0,host=::1,interval=200ms").commands("idle").start()) {
            String url = target.agentUrl(Duration.ofSeconds(20));
            assertTrue(url.matches("http://\\[::1]:\\d+/"), url);
            assertEquals(200, Http.get(url, "/live").status);
        }
    }
}
