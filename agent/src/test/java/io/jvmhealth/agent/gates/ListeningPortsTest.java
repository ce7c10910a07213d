package io.jvmhealth.agent.gates;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The /proc/net/tcp scan and the descriptor match, on fixed files. */
class ListeningPortsTest {
    private static final String HEADER = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";
    // 8080 = 1F90; 8081 = 1F91
    private static final String TCP = HEADER
            + "   0: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1111 1 0000000000000000 100 0 0 10 0\n"
            + "   1: 0100007F:1F91 0100007F:D431 06 00000000:00000000 03:00000F5A 00000000     0        0 0 3 0000000000000000\n"
            + "   2: 0100007F:A1B2 0100007F:1F91 01 00000000:00000000 00:00000000 00000000     0        0 2222 1 0000000000000000 20 4 0 10 -1\n";
    private static final String TCP6 = HEADER
            + "   0: 00000000000000000000000000000000:1F91 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 3333 1 0000000000000000 100 0 0 10 0\n";

    @Test
    void findsOnlyListenSocketsOnThePort() {
        byte[] b = TCP.getBytes(StandardCharsets.ISO_8859_1);
        Set<String> inodes = new HashSet<>();
        ListeningPorts.parse(b, b.length, 8080, inodes);
        assertEquals(Set.of("1111"), inodes);
        inodes.clear();
        ListeningPorts.parse(b, b.length, 8081, inodes); // TIME_WAIT and ESTABLISHED on 8081 are not listeners
        assertEquals(Set.of(), inodes);
        byte[] b6 = TCP6.getBytes(StandardCharsets.ISO_8859_1);
        ListeningPorts.parse(b6, b6.length, 8081, inodes);
        assertEquals(Set.of("3333"), inodes);
    }

    @Test
    void listeningMeansOneOfThisProcesssDescriptorsIsThatSocket(@TempDir Path dir) throws Exception {
        Path tcp = Files.writeString(dir.resolve("tcp"), TCP);
        Path tcp6 = Files.writeString(dir.resolve("tcp6"), TCP6);
        Path fds = Files.createDirectory(dir.resolve("fd"));
        Files.createSymbolicLink(fds.resolve("3"), Path.of("socket:[3333]"));
        Files.createSymbolicLink(fds.resolve("4"), Path.of("/dev/null"));
        ListeningPorts ports = new ListeningPorts(tcp, tcp6, fds);
        assertEquals(ListeningPorts.State.LISTENING, ports.state(8081));
        assertEquals(ListeningPorts.State.OTHER_PROCESS, ports.state(8080), "inode 1111 is not among our descriptors");
        assertEquals(ListeningPorts.State.NOT_LISTENING, ports.state(9999));
    }

    @Test
    void portsAreFourHexDigits() {
        assertEquals("1F90", ListeningPorts.hex4(8080));
        assertEquals("0050", ListeningPorts.hex4(80));
    }
}
