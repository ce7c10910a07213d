package io.jvmhealth.agent.runtime;

import org.junit.jupiter.api.Test;

import java.net.Inet6Address;
import java.net.InetAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The URL the agent publishes and logs for each kind of bind address, IPv6 included. */
class AgentUrlTest {

    private static String url(String host) throws Exception {
        return AgentRuntime.url(InetAddress.getByName(host), 9555);
    }

    @Test
    void wildcardAddressesAreReachedOnLoopback() throws Exception {
        assertEquals("http://127.0.0.1:9555/", url("0.0.0.0"));
        assertEquals("http://[::1]:9555/", url("::"));
    }

    @Test
    void ipv6AddressesAreBracketedAndWrittenShort() throws Exception {
        assertEquals("http://[::1]:9555/", url("::1"));
        assertEquals("http://[fd00::1:2]:9555/", url("fd00:0:0:0:0:0:1:2"));
        assertEquals("http://[2001:db8::1:0:0:1]:9555/", url("2001:db8:0:0:1:0:0:1"));
        assertEquals("http://[2001:db8:0:1:1:1:1:1]:9555/", url("2001:db8:0:1:1:1:1:1"));
        assertEquals("http://[fe80::1%252]:9555/",
                AgentRuntime.url(Inet6Address.getByAddress(null, InetAddress.getByName("fe80::1").getAddress(), 2), 9555));
    }

    @Test
    void ipv4AddressesAreWrittenAsTheyAre() throws Exception {
        assertEquals("http://127.0.0.1:9555/", url("127.0.0.1"));
        assertEquals("http://10.1.2.3:9555/", url("10.1.2.3"));
    }
}
