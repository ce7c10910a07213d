package io.jvmhealth.agent.evidence;

import io.jvmhealth.agent.health.UtcTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Evidence files: named by time and pid, owner-only, never overwritten, bounded in number; the dump bounded in size. */
class EvidenceOutputTest {
    @TempDir
    Path dir;

    private List<Path> files() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().collect(Collectors.toList());
        }
    }

    @Test
    void writesOwnerOnlyFilesNamedByTimeAndPidAndNeverOverwrites() throws Exception {
        EvidenceOutput out = new EvidenceOutput(dir.toString(), "4242");
        long epoch = 1_796_000_000_123L; // 2026-12-01T...
        String first = out.write("liveness", "first", Arrays.asList("line one", "line two"), epoch);
        String second = out.write("liveness", "second", Collections.singletonList("other"), epoch);
        assertEquals(dir.resolve("jvm-health-evidence-" + UtcTime.compact(epoch) + "-4242-liveness.txt").toString(), first);
        assertEquals(dir.resolve("jvm-health-evidence-" + UtcTime.compact(epoch) + "-4242-liveness-2.txt").toString(), second);
        assertTrue(UtcTime.compact(epoch).matches("\\d{8}T\\d{6}\\.\\d{3}Z"), UtcTime.compact(epoch));
        assertEquals(Arrays.asList("BEGIN evidence first", "line one", "line two", "END evidence"),
                Files.readAllLines(Paths.get(first), StandardCharsets.UTF_8), "the first file is untouched");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(Paths.get(first))));
    }

    @Test
    void keepsAtMostTwentyOfItsFilesAndTouchesNoOther() throws Exception {
        Path foreign = Files.write(dir.resolve("a-users-file.txt"), new byte[] {1});
        EvidenceOutput out = new EvidenceOutput(dir.toString(), "1");
        for (int i = 0; i < 25; i++) {
            out.write("heap", "n" + i, Collections.singletonList("x"), 1_796_000_000_000L + i * 1000L);
        }
        List<Path> files = files();
        assertTrue(files.contains(foreign));
        assertEquals(EvidenceOutput.MAX_FILES + 1, files.size(), files.toString());
        assertTrue(Files.readAllLines(files.get(files.size() - 1)).contains("BEGIN evidence n24"), "the newest is kept");
    }

    @Test
    void aDumpOfTenThousandThreadsStaysUnderItsBound() throws Exception {
        int wanted = 10_000;
        List<Thread> parked = new ArrayList<>();
        CountDownLatch up = new CountDownLatch(wanted);
        CountDownLatch release = new CountDownLatch(1);
        try {
            for (int i = 0; i < wanted; i++) {
                Thread t = new Thread(null, () -> {
                    up.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException ignored) {
                        // ends
                    }
                }, "parked-" + i, 64 * 1024);
                t.setDaemon(true);
                t.start();
                parked.add(t);
            }
            assertTrue(up.await(60, TimeUnit.SECONDS));
            long cpu0 = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            List<String> lines = ThreadDump.of(ManagementFactory.getThreadMXBean(), "Full thread dump", null);
            long millis = (System.nanoTime() - t0) / 1_000_000;
            long cpuMillis = (ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpu0) / 1_000_000;
            int chars = lines.stream().mapToInt(l -> l.length() + 1).sum();
            String last = lines.get(lines.size() - 1);
            System.out.println("dump of " + (wanted + 10) + " threads: " + chars + " characters, " + lines.size() + " lines, "
                    + millis + " ms (" + cpuMillis + " ms CPU on the caller); last line: " + last);
            assertTrue(chars <= ThreadDump.MAX_CHARS, chars + " characters");
            assertTrue(last.startsWith("... ") && last.contains("more threads not shown") && last.contains("WAITING="), last);
        } finally {
            release.countDown();
            for (Thread t : parked) {
                t.join();
            }
        }
    }

    @Test
    void anIncidentWritesOnceAndAtMostOncePerGap() {
        Incident i = new Incident(TimeUnit.MINUTES.toNanos(10));
        long t = 0;
        assertEquals(Incident.Decision.WRITE, i.observe(true, t));
        assertEquals(Incident.Decision.NONE, i.observe(true, t + 1), "same incident");
        assertEquals(Incident.Decision.NONE, i.observe(false, t + 2), "ended");
        assertEquals(Incident.Decision.SKIP_RATE, i.observe(true, t + TimeUnit.MINUTES.toNanos(9)), "a new one 9 minutes later");
        assertEquals(Incident.Decision.NONE, i.observe(true, t + TimeUnit.MINUTES.toNanos(11)), "still that one");
        i.observe(false, t + TimeUnit.MINUTES.toNanos(11));
        assertEquals(Incident.Decision.WRITE, i.observe(true, t + TimeUnit.MINUTES.toNanos(12)));
    }
}
