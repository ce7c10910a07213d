package io.jvmhealth.agent.health.checks.hang;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The thread-dump reader and the cycle finder on dumps recorded from JDK 25.0.3 (sample-target's VirtualThreads
 * scenarios, written by scripts/hangs/DumpProbe.java) and on synthetic ones.
 */
class ThreadDumpReaderTest {
    private static final long BIG = 1L << 30;

    private static ThreadDumpReader read(String resource) throws IOException {
        ThreadDumpReader reader = new ThreadDumpReader(BIG, 100_000);
        try (InputStream in = ThreadDumpReaderTest.class.getResourceAsStream(resource)) {
            assertNotNull(in, resource);
            reader.read(in);
        }
        return reader;
    }

    private static ThreadDumpReader read(SyntheticDump dump, long maxBytes, int maxThreads) throws IOException {
        ThreadDumpReader reader = new ThreadDumpReader(maxBytes, maxThreads);
        reader.read(new ByteArrayInputStream(dump.bytes()));
        return reader;
    }

    private static List<String> names(WaitGraph.Cycle cycle) {
        return cycle.threads.stream().map(t -> t.name).toList();
    }

    @Test
    void findsTwoVirtualThreadsDeadlockedOnMonitorsInARecordedDump() throws IOException {
        ThreadDumpReader reader = read("jdk25-monitor.json");
        assertNull(reader.cutAt());
        assertTrue(reader.lockInformation());
        assertEquals("25.0.3+9-LTS", reader.runtimeVersion());
        List<WaitGraph.Cycle> cycles = reader.graph().cycles();
        assertEquals(1, cycles.size());
        WaitGraph.Cycle c = cycles.get(0);
        assertEquals(List.of("vdeadlock-a", "vdeadlock-b"), names(c));
        assertTrue(c.includesVirtual());
        DumpedThread a = c.threads.get(0);
        assertTrue(a.virtual);
        assertEquals("BLOCKED", a.state);
        assertTrue(a.waitsForMonitor());
        assertTrue(a.waitsFor().startsWith("java.lang.Object@"), a.waitsFor());
        assertEquals("io.jvmhealth.sample.VirtualThreads$1.run(VirtualThreads.java:78)", a.stack.get(0));

        DeadlockReport report = DeadlockReport.of(reader, cycles);
        assertEquals(2, report.deadlocked);
        assertTrue(report.reason.startsWith("2 threads deadlocked: \"vdeadlock-a\" (virtual) waits for java.lang.Object@"), report.reason);
        assertTrue(report.reason.contains("held by \"vdeadlock-b\""), report.reason);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> threads = (List<Map<String, Object>>) report.details.get("threads");
        assertEquals("vdeadlock-b", threads.get(0).get("heldBy"));
        assertEquals(c.threads.get(1).tid, threads.get(0).get("heldById"));
        assertEquals(true, threads.get(0).get("virtual"));
        assertEquals("monitor", threads.get(0).get("lockKind"));
    }

    @Test
    void reentrantLockDeadlockNeedsTheOwnersTheDumpDoesNotWrite() throws IOException {
        ThreadDumpReader reader = read("jdk25-lock.json");
        assertEquals(List.of(), reader.graph().cycles(), "JDK 25 writes parkBlocker without an owner");
        DumpedThread a = find(reader, "vdeadlock-a");
        DumpedThread b = find(reader, "vdeadlock-b");
        assertEquals("WAITING", a.state);
        assertTrue(a.parkBlocker.startsWith("java.util.concurrent.locks.ReentrantLock$NonfairSync@"), a.parkBlocker);
        // what the reflective walk (LockSupport.getBlocker + getExclusiveOwnerThread) tells
        reader.graph().parkOwner(a.parkBlocker, b.tid, b.name, true);
        reader.graph().parkOwner(b.parkBlocker, a.tid, a.name, true);
        List<WaitGraph.Cycle> cycles = reader.graph().cycles();
        assertEquals(1, cycles.size());
        assertEquals(List.of("vdeadlock-a", "vdeadlock-b"), names(cycles.get(0)));
        DeadlockReport report = DeadlockReport.of(reader, cycles);
        assertTrue(report.reason.contains("waits for java.util.concurrent.locks.ReentrantLock$NonfairSync@"), report.reason);
    }

    @Test
    void findsACycleOfThreeVirtualThreads() throws IOException {
        List<WaitGraph.Cycle> cycles = read("jdk25-cycle3.json").graph().cycles();
        assertEquals(1, cycles.size());
        assertEquals(List.of("vcycle-1", "vcycle-2", "vcycle-3"), names(cycles.get(0)));
    }

    @Test
    void aVirtualThreadWaitingOnAPlatformDeadlockIsStuckBehindItNotInIt() throws IOException {
        ThreadDumpReader reader = read("jdk25-chain.json");
        List<WaitGraph.Cycle> cycles = reader.graph().cycles();
        assertEquals(1, cycles.size());
        assertEquals(List.of("pdeadlock-a", "pdeadlock-b"), names(cycles.get(0)));
        assertFalse(cycles.get(0).includesVirtual());
        List<DumpedThread> stuck = reader.graph().stuckBehind(cycles, 10);
        assertEquals(1, stuck.size());
        assertEquals("vchain", stuck.get(0).name);
        assertTrue(stuck.get(0).virtual);
        assertTrue(DeadlockReport.of(reader, cycles).details.containsKey("stuckBehindDeadlock"));
    }

    @Test
    void busyVirtualThreadsAreNoDeadlockAndTheMonitorOfAnObjectWaitIsNotHeld() throws IOException {
        ThreadDumpReader reader = read("jdk25-busy50.json");
        assertNull(reader.cutAt());
        assertEquals(60, reader.threadsRead(), "50 vbusy threads and 10 of the JDK and the probe");
        assertEquals(List.of(), reader.graph().cycles());
        assertNull(DeadlockReport.of(reader, List.of()).reason);
    }

    @Test
    void syntheticCyclesOfTwoAndThreeAndOneMixedWithAJavaUtilConcurrentOwnerFromTheDump() throws IOException {
        SyntheticDump dump = new SyntheticDump()
                .monitor(10, "a", true, "java.lang.Object@1", "java.lang.Object@2")
                .monitor(11, "b", false, "java.lang.Object@2", "java.lang.Object@1")
                .monitor(20, "x", true, "java.lang.Object@20", "java.lang.Object@22")
                .monitor(21, "y", true, "java.lang.Object@21", "java.lang.Object@20")
                .monitor(22, "z", true, "java.lang.Object@22", "java.lang.Object@21")
                // a future JDK writing parkBlocker.owner: p parked on a lock q holds, q blocked on p's monitor
                .parked(30, "p", true, "java.util.concurrent.locks.ReentrantLock$NonfairSync@30", 31, "java.lang.Object@31")
                .monitor(31, "q", true, "java.lang.Object@31")
                .monitor(40, "free", true, null);
        List<WaitGraph.Cycle> cycles = read(dump, BIG, 1000).graph().cycles();
        assertEquals(3, cycles.size());
        assertEquals(List.of("a", "b"), names(cycles.get(0)));
        assertEquals(List.of("x", "y", "z"), names(cycles.get(1)), "x waits for Object@20, held by y; y for 21, held by z; z for 22, held by x");
        assertEquals(List.of("p", "q"), names(cycles.get(2)));
    }

    @Test
    void aChainThatEndsAtARunningThreadIsNoDeadlock() throws IOException {
        SyntheticDump dump = new SyntheticDump()
                .monitor(1, "w1", true, "java.lang.Object@a")
                .monitor(2, "w2", true, "java.lang.Object@b", "java.lang.Object@a")
                .monitor(3, "runner", false, null, "java.lang.Object@b");
        WaitGraph graph = read(dump, BIG, 1000).graph();
        assertEquals(List.of(), graph.cycles());
        assertEquals(List.of(), graph.stuckBehind(graph.cycles(), 10));
    }

    @Test
    void aThreadBlockedOnTheMonitorOfAnObjectWaitIsNotWaitingForTheWaiter() throws IOException {
        SyntheticDump dump = new SyntheticDump()
                .waiting(1, "waiter", "java.lang.Object@m")
                .monitor(2, "enterer", true, "java.lang.Object@m", "java.lang.Object@n")
                .monitor(3, "other", true, "java.lang.Object@n");
        WaitGraph graph = read(dump, BIG, 1000).graph();
        assertNull(graph.holderOf(find(graph, 2)));
        assertEquals(List.of(), graph.cycles());
    }

    @Test
    void aHugeDumpIsCutAtTheByteLimitAndACycleBeyondItIsNotFound() throws IOException {
        SyntheticDump dump = new SyntheticDump();
        for (int i = 0; i < 5000; i++) {
            dump.monitor(1000 + i, "busy-" + i, true, null);
        }
        dump.monitor(1, "late-a", true, "java.lang.Object@1", "java.lang.Object@2")
                .monitor(2, "late-b", true, "java.lang.Object@2", "java.lang.Object@1");
        byte[] bytes = dump.bytes();
        ThreadDumpReader whole = read(dump, BIG, 100_000);
        assertEquals(1, whole.graph().cycles().size());
        ThreadDumpReader cut = read(dump, bytes.length / 2, 100_000);
        assertEquals(bytes.length / 2 + " bytes", cut.cutAt());
        assertEquals(bytes.length / 2, cut.bytesRead());
        assertEquals(List.of(), cut.graph().cycles());
        assertTrue(DeadlockReport.of(cut, List.of()).details.get("dumpCut").toString().startsWith("read up to " + bytes.length / 2 + " bytes"));
        ThreadDumpReader fewer = read(dump, BIG, 100);
        assertEquals("100 threads", fewer.cutAt());
        assertEquals(100, fewer.threadsRead());
    }

    @Test
    void asTheStreamTheJdkWritesToItStopsTheDumpAtTheLimit() throws IOException {
        SyntheticDump dump = new SyntheticDump();
        for (int i = 0; i < 1000; i++) {
            dump.monitor(i, "t" + i, true, null);
        }
        byte[] bytes = dump.bytes();
        ThreadDumpReader reader = new ThreadDumpReader(10_000, 100_000);
        OutputStream sink = reader.sink();
        int written = 0;
        IOException stop = null;
        try {
            while (written < bytes.length) {
                int n = Math.min(512, bytes.length - written);
                sink.write(bytes, written, n);
                written += n;
            }
        } catch (IOException e) {
            stop = e;
        }
        assertNotNull(stop, "the write past the limit throws");
        assertTrue(written <= 10_000, "the writer stopped at the limit: " + written);
        assertEquals("10000 bytes", reader.cutAt());
        assertThrows(IOException.class, () -> sink.write(new byte[10], 0, 10), "and keeps refusing");
        sink.close();
    }

    @Test
    void aWholeDumpWrittenToTheSinkIsReadLikeAFile() throws IOException {
        SyntheticDump dump = new SyntheticDump()
                .monitor(1, "a", true, "java.lang.Object@1", "java.lang.Object@2")
                .monitor(2, "b", true, "java.lang.Object@2", "java.lang.Object@1");
        ThreadDumpReader reader = new ThreadDumpReader(BIG, 1000);
        try (OutputStream sink = reader.sink()) {
            byte[] bytes = dump.bytes();
            for (byte b : bytes) {
                sink.write(b);
            }
        }
        assertNull(reader.cutAt());
        assertEquals(1, reader.graph().cycles().size());
    }

    @Test
    void aDumpCutShortByAFullDiskIsReadAsFarAsItGoesWithoutThrowing() throws IOException {
        SyntheticDump dump = new SyntheticDump()
                .monitor(1, "a", true, "java.lang.Object@1", "java.lang.Object@2")
                .monitor(2, "b", true, "java.lang.Object@2", "java.lang.Object@1")
                .monitor(3, "c", true, null);
        byte[] bytes = dump.bytes();
        ThreadDumpReader reader = new ThreadDumpReader(BIG, 1000);
        reader.read(new ByteArrayInputStream(bytes, 0, bytes.length - 60));
        assertTrue(reader.cutAt().startsWith("incomplete"), reader.cutAt());
        assertEquals(1, reader.graph().cycles().size(), "what was read whole still counts");
    }

    @Test
    void aJdk21DumpHasNoStatesNorLocks() throws IOException {
        String jdk21 = "{\n  \"threadDump\": {\n    \"processId\": \"7\",\n    \"time\": \"2026-01-01T00:00:00Z\",\n    \"runtimeVersion\": \"21.0.5+11\",\n"
                + "    \"threadContainers\": [\n      {\n        \"container\": \"<root>\",\n        \"parent\": null,\n        \"owner\": null,\n"
                + "        \"threads\": [\n         {\n           \"tid\": \"23\",\n           \"name\": \"vdeadlock-a\",\n           \"stack\": [\n"
                + "              \"io.jvmhealth.sample.VirtualThreads$1.run(VirtualThreads.java:78)\",\n"
                + "              \"java.base\\/java.lang.VirtualThread.run(VirtualThread.java:309)\"\n           ]\n         }\n        ],\n"
                + "        \"threadCount\": \"1\"\n      }\n    ]\n  }\n}\n";
        ThreadDumpReader reader = new ThreadDumpReader(BIG, 1000);
        reader.read(new ByteArrayInputStream(jdk21.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertNull(reader.cutAt());
        assertEquals(1, reader.threadsRead());
        assertFalse(reader.lockInformation());
        assertEquals("21.0.5+11", reader.runtimeVersion());
    }

    @Test
    void namesAndLocksAreBoundedAndControlCharactersSurviveAsCharacters() throws IOException {
        String longName = "n".repeat(5000);
        SyntheticDump dump = new SyntheticDump()
                .monitor(1, longName, true, "java.lang.Object@1", "java.lang.Object@2")
                .monitor(2, "b\\u001b[31m\\n", true, "java.lang.Object@2", "java.lang.Object@1");
        WaitGraph.Cycle c = read(dump, BIG, 1000).graph().cycles().get(0);
        assertTrue(c.threads.get(0).name.length() <= ThreadDumpReader.MAX_TEXT + 10, "cut: " + c.threads.get(0).name.length());
        assertEquals("b\u001b[31m\n", c.threads.get(1).name);
    }

    @Test
    void theGraphKeepsAtMostItsBoundOfWaitingThreadsAndCountsTheRest() throws IOException {
        SyntheticDump dump = new SyntheticDump();
        for (int i = 0; i < 50; i++) {
            dump.monitor(100 + i, "w" + i, true, "java.lang.Object@ff");
        }
        ThreadDumpReader reader = new ThreadDumpReader(BIG, 20);
        reader.read(new ByteArrayInputStream(dump.bytes()));
        assertEquals(20, reader.threadsRead(), "the reader stops at its thread limit");
        WaitGraph graph = new WaitGraph(5);
        for (DumpedThread t : reader.graph().threads()) {
            graph.add(t);
        }
        assertEquals(5, graph.threads().size());
        assertEquals(15, graph.dropped());
        assertEquals(20, graph.seen());
    }

    private static DumpedThread find(ThreadDumpReader reader, String name) {
        for (DumpedThread t : reader.graph().threads()) {
            if (name.equals(t.name)) {
                return t;
            }
        }
        throw new AssertionError("no thread " + name);
    }

    private static DumpedThread find(WaitGraph graph, long tid) {
        for (DumpedThread t : graph.threads()) {
            if (t.tid == tid) {
                return t;
            }
        }
        throw new AssertionError("no thread " + tid);
    }
}
