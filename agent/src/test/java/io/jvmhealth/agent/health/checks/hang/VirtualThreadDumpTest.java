package io.jvmhealth.agent.health.checks.hang;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The virtual threads of the JDK's JSON dump as evidence text, on dumps recorded from JDK 25 and made up. */
class VirtualThreadDumpTest {
    private static byte[] resource(String name) throws IOException {
        try (InputStream in = VirtualThreadDumpTest.class.getResourceAsStream(name)) {
            return in.readAllBytes();
        }
    }

    private static List<String> read(byte[] dump, Long... featured) throws IOException {
        VirtualThreadDump.Text text = new VirtualThreadDump.Text(new HashSet<>(Arrays.asList(featured)), VirtualThreadDump.MAX_CHARS);
        text.read(new ByteArrayInputStream(dump));
        return text.lines(null, "test");
    }

    @Test
    void aMonitorDeadlockShowsEachThreadsLockAndWhatItWaitsFor() throws IOException {
        List<String> lines = read(resource("jdk25-monitor.json"), 25L);
        assertEquals("Virtual threads (test, JDK 25.0.3+9-LTS): 2 virtual threads, the 1 deadlocked first", lines.get(0));
        int b = lines.indexOf("\"vdeadlock-b\" #25 virtual BLOCKED");
        int a = lines.indexOf("\"vdeadlock-a\" #23 virtual BLOCKED");
        assertTrue(b > 0 && a > b, "the featured thread first: " + lines);
        assertTrue(lines.get(b + 1).startsWith("        at io.jvmhealth.sample.VirtualThreads$2.run"), lines.get(b + 1));
        assertTrue(lines.get(b + 2).matches("        - waiting to lock <java\\.lang\\.Object@[0-9a-f]+>"), lines.get(b + 2));
        assertTrue(lines.get(b + 3).matches("        - locked <java\\.lang\\.Object@[0-9a-f]+>"), lines.get(b + 3));
        for (String line : lines) {
            assertFalse(line.contains("Finalizer") || line.contains("ForkJoinPool-1-worker"), "platform threads are the other dump's: " + line);
        }
    }

    @Test
    void aLockDeadlockShowsWhatEachThreadIsParkedOn() throws IOException {
        List<String> lines = read(resource("jdk25-lock.json"));
        int a = lines.indexOf("\"vdeadlock-a\" #23 virtual WAITING");
        assertTrue(a > 0, lines.toString());
        assertTrue(lines.get(a + 2).startsWith("        - parking to wait for <java.util.concurrent.locks.ReentrantLock$NonfairSync@"), lines.get(a + 2));
    }

    @Test
    void pastItsBoundTheRestIsCountedByState() throws IOException {
        StringBuilder json = new StringBuilder("{\"threadDump\":{\"threadContainers\":[{\"container\":\"<root>\",\"threads\":[");
        for (int i = 0; i < 1000; i++) {
            json.append(i == 0 ? "" : ",").append("{\"tid\":\"").append(100 + i).append("\",\"virtual\":true,\"name\":\"v-").append(i)
                    .append("\",\"state\":\"TIMED_WAITING\",\"stack\":[\"java.base/java.lang.VirtualThread.sleepNanos(VirtualThread.java:1)\"]}");
        }
        json.append("]}]}}");
        VirtualThreadDump.Text text = new VirtualThreadDump.Text(Collections.singleton(1099L), 4096);
        text.read(new ByteArrayInputStream(json.toString().getBytes("UTF-8")));
        List<String> lines = text.lines(null, "test");
        assertEquals("\"v-999\" #1099 virtual TIMED_WAITING", lines.get(2), "the featured one first, though it came last");
        int chars = 0;
        for (String line : lines.subList(0, lines.size() - 1)) {
            chars += line.length() + 1;
        }
        assertTrue(chars < 4096 + 1000, "bounded: " + chars);
        String last = lines.get(lines.size() - 1);
        assertTrue(last.matches("\\.\\.\\. \\d+ more virtual threads not shown: this part is bounded at 4096 characters; their states: \\{TIMED_WAITING=\\d+}"),
                last);
    }

    @Test
    void controlCharactersInNamesAreEscaped() throws IOException {
        String json = "{\"threadDump\":{\"threadContainers\":[{\"threads\":[{\"tid\":\"7\",\"virtual\":true,\"name\":\"evil\\nname\\u001b[31m\","
                + "\"stack\":[]}]}]}}";
        List<String> lines = read(json.getBytes("UTF-8"));
        for (String line : lines) {
            assertFalse(line.indexOf('\n') >= 0 || line.indexOf('\u001b') >= 0, line);
        }
        assertTrue(lines.get(2).startsWith("\"evil"), lines.toString());
    }

    @Test
    void aDumpCutShortSaysWhereItWasCut() throws IOException {
        VirtualThreadDump.Text text = new VirtualThreadDump.Text(Collections.<Long>emptySet(), 1000);
        OutputStream sink = text.sink();
        sink.write("{\"threadDump\":{".getBytes("UTF-8"));
        sink.close();
        String title = text.lines(null, "test").get(0);
        assertTrue(title.startsWith("Virtual threads (test): 0 virtual threads; the dump was read up to incomplete: "), title);
    }
}
