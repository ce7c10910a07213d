package io.jvmhealth.agent.gates;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The nested jar's own zip reading: its central directory, stored and deflated entries (the loading itself runs in GatesIT). */
class NestedJarLoaderTest {
    @Test
    void indexesStoredAndDeflatedEntriesAndInflatesEachOnRequest() throws IOException {
        byte[] text = "a class file, as far as this test is concerned".getBytes(StandardCharsets.UTF_8);
        byte[] noise = new byte[100_000];
        new Random(7).nextBytes(noise);
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(zip)) {
            out.putNextEntry(new ZipEntry("io/"));
            out.closeEntry();
            out.putNextEntry(new ZipEntry("io/A.class"));
            out.write(text);
            out.closeEntry();
            ZipEntry stored = new ZipEntry("io/B.bin");
            stored.setMethod(ZipEntry.STORED);
            stored.setSize(noise.length);
            CRC32 crc = new CRC32();
            crc.update(noise);
            stored.setCrc(crc.getValue());
            out.putNextEntry(stored);
            out.write(noise);
            out.closeEntry();
        }
        byte[] jar = zip.toByteArray();
        Map<String, NestedJarLoader.Entry> index = NestedJarLoader.index(jar);
        assertEquals(2, index.size(), "directories are left out: " + index.keySet());
        assertEquals(8, index.get("io/A.class").method);
        assertEquals(0, index.get("io/B.bin").method);
        assertEquals(text.length, index.get("io/A.class").size);
        assertArrayEquals(text, NestedJarLoader.inflate(jar, index.get("io/A.class")));
        assertArrayEquals(noise, NestedJarLoader.inflate(jar, index.get("io/B.bin")));
    }

    @Test
    void aFileThatIsNotAZipIsRefused() {
        assertThrows(IOException.class, () -> NestedJarLoader.index(new byte[100]));
        assertThrows(IOException.class, () -> NestedJarLoader.index(new byte[10]), "shorter than an end record");
    }
}
