package io.jvmhealth.agent.health.checks;

import io.jvmhealth.agent.health.CheckResult;
import io.jvmhealth.agent.health.Status;
import io.jvmhealth.agent.health.checks.cgroup.Cgroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cgroup layouts (v1 inside a container, v2 with the limit on the pod's cgroup, the hybrid
 * layout of a systemd host) are found and read from sample files written for these tests
 * (src/test/resources/cgroup), copied to a temporary folder so that a test can change them.
 */
class ResourceChecksTest {
    @TempDir
    Path tmp;

    private String layout(String name) throws IOException, URISyntaxException {
        Path source = Paths.get(ResourceChecksTest.class.getResource("/cgroup/" + name).toURI());
        Path target = tmp.resolve(name);
        try (Stream<Path> files = Files.walk(source)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path to = target.resolve(source.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to);
                }
            }
        }
        return target.toString();
    }

    private static Cgroup locate(String root) {
        return Cgroup.locate(root, "/proc/self/cgroup", "/proc/self/mountinfo");
    }

    private static MemoryCheck memory(Cgroup cgroup, double degraded, double unhealthy) {
        return new MemoryCheck(cgroup, ManagementFactory.getMemoryMXBean(), ManagementFactory.getMemoryPoolMXBeans(),
                () -> ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class), degraded, unhealthy);
    }

    @Test
    void findsTheContainersCgroupInV1WhereTheMountRootIsTheContainer() throws Exception {
        String root = layout("v1");
        Cgroup cg = locate(root);
        assertEquals(Cgroup.Version.V1, cg.memoryVersion());
        assertEquals(root + "/sys/fs/cgroup/memory", cg.memoryDir());
        assertEquals(Cgroup.Version.V1, cg.cpuVersion());
        assertEquals(root + "/sys/fs/cgroup/cpu,cpuacct", cg.cpuDir());
    }

    @Test
    void findsTheCgroupInV2AndTheLimitOnThePodsCgroup() throws Exception {
        String root = layout("v2");
        Cgroup cg = locate(root);
        String leaf = root + "/sys/fs/cgroup/kubepods.slice/kubepods-pod1.slice/cri-abc.scope";
        assertEquals(Cgroup.Version.V2, cg.memoryVersion());
        assertEquals(leaf, cg.memoryDir());
        assertEquals(root + "/sys/fs/cgroup/kubepods.slice/kubepods-pod1.slice", cg.memoryLimitDir());
        assertEquals(Cgroup.Version.V2, cg.cpuVersion());
        assertEquals(leaf, cg.cpuDir());
    }

    @Test
    void prefersV1ControllersInTheHybridLayout() throws Exception {
        String root = layout("hybrid");
        Cgroup cg = locate(root);
        assertEquals(Cgroup.Version.V1, cg.memoryVersion());
        assertEquals(root + "/sys/fs/cgroup/memory/user.slice", cg.memoryDir());
        assertEquals(Cgroup.Version.V1, cg.cpuVersion());
        assertEquals(root + "/sys/fs/cgroup/cpu/user.slice", cg.cpuDir());
    }

    @Test
    void noCgroupAtAllIsHealthyAndSaysWhy() throws Exception {
        Cgroup cg = locate(tmp.toString()); // no /proc there
        assertNull(cg.memoryVersion());
        CheckResult r = memory(cg, 0.9, 0.97).evaluate();
        assertEquals(Status.HEALTHY, r.status());
        assertEquals("none", r.details().get("limitBytes"));
        assertTrue(((String) r.details().get("note")).contains("not measured"), r.details().toString());
    }

    @Test
    void memoryIsTheWorkingSetLessInactiveFileAgainstTheLimitInBothVersions() throws Exception {
        for (String layout : new String[] {"v1", "v2"}) {
            Cgroup cg = locate(layout(layout));
            CheckResult healthy = memory(cg, 0.9, 0.97).evaluate();
            assertEquals(Status.HEALTHY, healthy.status(), layout + " " + healthy.details());
            assertEquals(483393536L - 33554432L, healthy.details().get("workingSetBytes"), layout);
            assertEquals(536870912L, healthy.details().get("limitBytes"), layout);
            assertEquals(0.838, healthy.details().get("ratio"), layout);
            Map<?, ?> source = (Map<?, ?>) healthy.details().get("source");
            assertEquals(layout, source.get("cgroup"));
            assertTrue(((String) source.get("usage")).endsWith(layout.equals("v1") ? "memory.usage_in_bytes" : "memory.current"), source.toString());
            assertEquals("read once the working set reaches memory.degraded", healthy.details().get("bufferPools"));
            assertTrue(healthy.details().containsKey("nonHeapUsedBytes"));

            MemoryCheck check = memory(cg, 0.8, 0.9);
            CheckResult degraded = check.evaluate();
            assertTrue(((Map<?, ?>) degraded.details().get("bufferPools")).containsKey("direct"), degraded.details().toString());
            assertEquals(Status.DEGRADED, degraded.status(), layout);
            assertTrue(degraded.reason().startsWith("container working set is 84% of its memory limit (degraded at 80%): 429 MiB of 512 MiB; heap committed"),
                    degraded.reason());
            assertEquals(Status.UNHEALTHY, memory(cg, 0.5, 0.8).evaluate().status(), layout);
        }
    }

    @Test
    void aHugeV1LimitOrV2MaxIsNoLimit() throws Exception {
        CheckResult v1 = memory(locate(layout("hybrid")), 0.0, 0.0).evaluate();
        assertEquals(Status.HEALTHY, v1.status());
        assertEquals("none", v1.details().get("limitBytes"));
        assertEquals(4857856L - 729088L, v1.details().get("workingSetBytes"));
        assertTrue(((String) v1.details().get("note")).contains("no memory limit"), v1.details().toString());

        String root = layout("v2");
        Files.write(Paths.get(root, "sys/fs/cgroup/kubepods.slice/kubepods-pod1.slice/memory.max"), "max\n".getBytes(StandardCharsets.US_ASCII));
        CheckResult v2 = memory(locate(root), 0.0, 0.0).evaluate();
        assertEquals(Status.HEALTHY, v2.status());
        assertEquals("none", v2.details().get("limitBytes"));
    }

    @Test
    void cpuIsTheFractionOfThrottledPeriodsOverTheWindowInBothVersions() throws Exception {
        for (String layout : new String[] {"v1", "v2"}) {
            String root = layout(layout);
            Cgroup cg = locate(root);
            Path stat = Paths.get(cg.cpuDir(), "cpu.stat");
            CpuCheck check = new CpuCheck(cg, 0.25, Double.POSITIVE_INFINITY, 60_000, 1000);
            long t0 = 1_000_000_000_000L;
            CheckResult first = check.evaluate(t0);
            assertEquals(Status.HEALTHY, first.status(), layout);
            assertEquals(layout.equals("v1") ? 0.2 : 0.5, first.details().get("quotaCores"), layout);
            String throttledKey = layout.equals("v1") ? "throttled_time" : "throttled_usec";
            long throttledUnit = layout.equals("v1") ? 1_000_000 : 1000; // ns or us per ms
            long base = layout.equals("v1") ? 500 : 1000;
            long baseThrottled = layout.equals("v1") ? 400 : 100;
            // 100 more periods, 10 of them throttled: 10%
            write(stat, base + 100, baseThrottled + 10, throttledKey, (layout.equals("v1") ? 30_000 : 2_000) * throttledUnit + 50 * throttledUnit);
            CheckResult calm = check.evaluate(t0 + 10_000_000_000L);
            assertEquals(Status.HEALTHY, calm.status(), layout + " " + calm.details());
            assertEquals(0.1, calm.details().get("throttledFraction"), layout);
            assertEquals(50L, calm.details().get("throttledMillis"), layout);
            assertTrue(((Number) calm.details().get("processCores")).doubleValue() >= 0, "process CPU from /proc/self/stat: " + calm.details());
            // 100 more, 90 throttled: 100 of 200 over the window (50%): degraded, never unhealthy with off
            write(stat, base + 200, baseThrottled + 100, throttledKey, 0);
            CheckResult throttled = check.evaluate(t0 + 20_000_000_000L);
            assertEquals(Status.DEGRADED, throttled.status(), layout);
            assertEquals(0.5, throttled.details().get("throttledFraction"), layout);
            assertTrue(throttled.reason().startsWith("CPU throttled in 50% of scheduling periods over the last 20s (degraded at 25%"), throttled.reason());
            // 70 s later the first samples left the window: only the last 100 periods (90%) count
            write(stat, base + 200, baseThrottled + 100, throttledKey, 0);
            CheckResult later = check.evaluate(t0 + 75_000_000_000L);
            assertEquals(0.0, later.details().get("throttledFraction"), layout + " " + later.details());
            CpuCheck strict = new CpuCheck(cg, 0.25, 0.4, 60_000, 1000);
            write(stat, base, baseThrottled, throttledKey, 0);
            strict.evaluate(t0);
            write(stat, base + 100, baseThrottled + 50, throttledKey, 0);
            assertEquals(Status.UNHEALTHY, strict.evaluate(t0 + 1_000_000_000L).status(), layout);
        }
    }

    @Test
    void noCpuQuotaIsHealthyAndSaysSo() throws Exception {
        CpuCheck check = new CpuCheck(locate(layout("hybrid")), 0.0, 0.0, 60_000, 1000);
        CheckResult r = check.evaluate(1);
        assertEquals(Status.HEALTHY, r.status());
        assertEquals("none", r.details().get("quotaCores"));
        assertTrue(((String) r.details().get("note")).contains("no CPU quota"), r.details().toString());
    }

    @Test
    void fdsAreOpenDescriptorsAgainstTheProcessLimit() {
        CheckResult r = new FdsCheck(ManagementFactory::getOperatingSystemMXBean, 0.8, 0.95).evaluate();
        long open = ((Number) r.details().get("open")).longValue();
        long max = ((Number) r.details().get("max")).longValue();
        com.sun.management.UnixOperatingSystemMXBean bean = (com.sun.management.UnixOperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        assertEquals(bean.getMaxFileDescriptorCount(), max, "/proc/self/limits agrees with getrlimit");
        long byBean = bean.getOpenFileDescriptorCount();
        assertTrue(open > 3 && Math.abs(open - byBean) <= 2, "/proc/self/fd " + open + ", the JDK's count " + byBean);
        assertEquals("/proc/self/fd, /proc/self/limits", r.details().get("source"));
        assertEquals(Status.UNHEALTHY, new FdsCheck(ManagementFactory::getOperatingSystemMXBean, 0.0, 0.0).evaluate().status());
    }

    private static void write(Path stat, long periods, long throttled, String key, long throttledTime) throws IOException {
        String text = "nr_periods " + periods + "\nnr_throttled " + throttled + "\n" + key + " " + throttledTime + "\n";
        Files.write(stat, text.getBytes(StandardCharsets.US_ASCII));
    }
}
