package io.jvmhealth.agent.health.checks.cgroup;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code /proc/self/cgroup} and {@code mountinfo} read as lines from their bytes, as a line reader would split them. */
class CgroupLinesTest {
    @TempDir
    Path dir;

    private List<String> lines(byte[] content) throws IOException {
        Path f = dir.resolve("f");
        Files.write(f, content);
        return Cgroup.lines(f.toString());
    }

    @Test
    void splitsAsALineReaderDoes() throws IOException {
        assertEquals(Arrays.asList("a", "", "b c"), lines("a\n\nb c\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals(Arrays.asList("a", "b"), lines("a\nb".getBytes(StandardCharsets.UTF_8)), "no newline at the end");
        assertEquals(Arrays.asList("a", "b"), lines("a\r\nb\r\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals(Collections.emptyList(), lines(new byte[0]));
        assertEquals(Collections.singletonList("/sys/fs/cgroup/caf\u00e9"), lines("/sys/fs/cgroup/caf\u00e9\n".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void readsPastItsFirstBufferAndRefusesAHugeFile() throws IOException {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 2000; i++) {
            b.append("36 35 98:0 /mnt").append(i).append(" /mnt").append(i).append(" rw - ext3 /dev/root rw\n");
        }
        List<String> read = lines(b.toString().getBytes(StandardCharsets.UTF_8));
        assertEquals(2000, read.size());
        assertTrue(read.get(1999).startsWith("36 35 98:0 /mnt1999 "));
        byte[] huge = new byte[Cgroup.MAX_FILE_BYTES + 1];
        Arrays.fill(huge, (byte) 'x');
        assertThrows(IOException.class, () -> lines(huge));
    }
}
