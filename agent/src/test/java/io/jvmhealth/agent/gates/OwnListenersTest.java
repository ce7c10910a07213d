package io.jvmhealth.agent.gates;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** This JVM's listening sockets from fixed /proc files: which are ours, and when the tables are read again. */
class OwnListenersTest {
    private static final String HEADER = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";
    // 8080 = 1F90 (listening, another process), 8081 = 1F91 (ours, IPv6), 9000 = 2328 (ours, connected: not a listener)
    private static final String TCP = HEADER
            + "   0: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1111 1 0000000000000000 100 0 0 10 0\n"
            + "   1: 0100007F:2328 0100007F:D431 01 00000000:00000000 00:00000000 00000000     0        0 2222 1 0000000000000000 20 4 0 10 -1\n";
    private static final String TCP6 = HEADER
            + "   0: 00000000000000000000000000000000:1F91 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 3333 1 0000000000000000 100 0 0 10 0\n";

    @Test
    void findsThisProcesssListenersAndReadsTheTablesOnlyWhenTheSocketCountChanges(@TempDir Path dir) throws Exception {
        Path tcp = Files.writeString(dir.resolve("tcp"), TCP);
        Path tcp6 = Files.writeString(dir.resolve("tcp6"), TCP6);
        Path sockstat = Files.writeString(dir.resolve("sockstat"), "sockets: used 9\nTCP: inuse 2 orphan 0 tw 0 alloc 3 mem 1\n");
        Path sockstat6 = Files.writeString(dir.resolve("sockstat6"), "TCP6: inuse 1\nUDP6: inuse 0\n");
        Path fds = Files.createDirectory(dir.resolve("fd"));
        Files.createSymbolicLink(fds.resolve("5"), Path.of("socket:[3333]"));
        Files.createSymbolicLink(fds.resolve("6"), Path.of("socket:[2222]"));
        OwnListeners l = new OwnListeners(tcp, tcp6, sockstat, sockstat6, fds);
        l.costFactor = 0;
        assertTrue(l.precise());

        List<OwnListeners.Listener> found = l.read(false);
        assertEquals(1, found.size());
        assertEquals(8081, found.get(0).port);
        assertTrue(OwnListeners.stillListening(found.get(0)));
        assertEquals(1, l.tableReads());
        l.read(false);
        assertEquals(1, l.tableReads(), "same socket counts: the tables are not read again");

        // a new listener of ours on 8082 (1F92): the count changes, the tables are read
        Files.writeString(tcp, HEADER
                + "   0: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1111 1 0000000000000000 100 0 0 10 0\n"
                + "   1: 00000000:1F92 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4444 1 0 100 0 0 10 0\n"
                + TCP.substring(TCP.indexOf("   1: ")).replace("   1: ", "   2: "));
        Files.writeString(sockstat, "sockets: used 10\nTCP: inuse 3 orphan 0 tw 0 alloc 4 mem 1\n");
        Files.createSymbolicLink(fds.resolve("7"), Path.of("socket:[4444]"));
        found = l.read(false);
        assertEquals(2, l.tableReads());
        assertEquals(List.of(8081, 8082), List.of(found.get(0).port, found.get(1).port));

        // closed: the descriptor's link is gone (or points elsewhere)
        Files.delete(fds.resolve("5"));
        Files.createSymbolicLink(fds.resolve("5"), Path.of("socket:[5555]"));
        assertFalse(OwnListeners.stillListening(found.get(0)));
    }

    /** The kernel writes listeners first: reading stops at the first other line, so a LISTEN line after it is not seen. */
    @Test
    void aTableIsReadInPiecesAndOnlyUpToItsFirstLineThatIsNotListening(@TempDir Path dir) throws Exception {
        StringBuilder table = new StringBuilder(HEADER);
        for (int i = 0; i < 40; i++) { // longer than several read pieces
            table.append(String.format("  %2d: 00000000:%04X 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 %d 1 0 100 0 0 10 0%n",
                    i, 10000 + i, 7000 + i));
        }
        table.append("  40: 0100007F:2328 0100007F:D431 01 00000000:00000000 00:00000000 00000000     0        0 8888 1 0 20 4 0 10 -1\n");
        table.append("  41: 00000000:1F95 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 9999 1 0 100 0 0 10 0\n");
        java.util.Map<String, Integer> found = new java.util.LinkedHashMap<>();
        OwnListeners.listening(Files.writeString(dir.resolve("tcp"), table), found);
        assertEquals(40, found.size());
        assertEquals(10039, found.get("7039"));
        assertFalse(found.containsKey("9999"));
    }

    @Test
    void aReadSoonerThanFourTimesTheLastReadsCpuTimeAnswersTheLastResult(@TempDir Path dir) throws Exception {
        Path tcp = Files.writeString(dir.resolve("tcp"), TCP);
        Path fds = Files.createDirectory(dir.resolve("fd"));
        OwnListeners l = new OwnListeners(tcp, dir.resolve("none6"), dir.resolve("nostat"), dir.resolve("nostat6"), fds);
        l.read(false);
        long began = System.nanoTime();
        int reads = 0;
        while (System.nanoTime() - began < 200_000_000L) {
            l.read(true);
            reads++;
        }
        assertTrue(l.tableReads() < reads, l.tableReads() + " table reads for " + reads + " calls");
    }

    @Test
    void withoutSockstatEveryReadIsATableRead(@TempDir Path dir) throws Exception {
        Path tcp = Files.writeString(dir.resolve("tcp"), TCP);
        Path fds = Files.createDirectory(dir.resolve("fd"));
        OwnListeners l = new OwnListeners(tcp, dir.resolve("none6"), dir.resolve("nostat"), dir.resolve("nostat6"), fds);
        l.costFactor = 0;
        assertEquals(List.of(), l.read(false), "8080 belongs to another process");
        l.read(false);
        assertEquals(2, l.tableReads());
    }
}
