package io.jvmhealth.agent.testing;

import io.jvmhealth.agent.health.checks.cgroup.Cgroup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A child cgroup for one test, created beside the tests' own cgroup (so that the machine's own
 * accounting above it still holds) in the memory and/or cpu controller, v1 or v2; a target JVM is
 * started INSIDE it through a wrapper ({@link #prefix()}) that writes its own pid to
 * {@code cgroup.procs} and then execs the JVM, so every page the JVM touches is charged there.
 * {@link #close()} removes the cgroup (after the JVM ended), also when the test failed.
 */
public final class TestCgroup implements AutoCloseable {
    private static final AtomicInteger SEQ = new AtomicInteger();
    private final List<Path> dirs = new ArrayList<>();
    private final Cgroup.Version version;
    private Path memory;
    private Path cpu;

    private TestCgroup(Cgroup.Version version) {
        this.version = version;
    }

    /** A writable child cgroup with the memory controller, or why there is none (the test then skips). */
    public static TestCgroup memory(StringBuilder whyNot) {
        Cgroup own = Cgroup.ofThisProcess();
        if (own.memoryVersion() == null) {
            whyNot.append("no memory cgroup controller for this process (").append(own).append(")");
            return null;
        }
        TestCgroup cg = new TestCgroup(own.memoryVersion());
        cg.memory = cg.child(own.memoryVersion() == Cgroup.Version.V2 ? v2Parent(own.memoryDir()) : Paths.get(own.memoryDir()), whyNot,
                own.memoryVersion() == Cgroup.Version.V2 ? "memory.max" : "memory.limit_in_bytes");
        return cg.memory == null ? null : cg;
    }

    /** A writable child cgroup with the cpu controller, or why there is none. */
    public static TestCgroup cpu(StringBuilder whyNot) {
        Cgroup own = Cgroup.ofThisProcess();
        if (own.cpuVersion() == null) {
            whyNot.append("no cpu cgroup controller for this process (").append(own).append(")");
            return null;
        }
        TestCgroup cg = new TestCgroup(own.cpuVersion());
        cg.cpu = cg.child(own.cpuVersion() == Cgroup.Version.V2 ? v2Parent(own.cpuDir()) : Paths.get(own.cpuDir()), whyNot,
                own.cpuVersion() == Cgroup.Version.V2 ? "cpu.max" : "cpu.cfs_quota_us");
        return cg.cpu == null ? null : cg;
    }

    /** v2 forbids processes in a cgroup whose children have controllers: use the hierarchy's root. */
    private static Path v2Parent(String dir) {
        Path p = Paths.get(dir);
        while (p.getParent() != null && Files.isRegularFile(p.getParent().resolve("cgroup.controllers"))) {
            p = p.getParent();
        }
        return p;
    }

    private Path child(Path parent, StringBuilder whyNot, String controlFile) {
        if (!"root".equals(System.getProperty("user.name"))) {
            whyNot.append("not root: cannot create a cgroup");
            return null;
        }
        Path dir = parent.resolve("jvmhealth-it-" + ProcessHandle.current().pid() + "-" + SEQ.incrementAndGet());
        try {
            Files.createDirectory(dir);
        } catch (IOException | RuntimeException e) {
            whyNot.append("cannot create a cgroup in ").append(parent).append(": ").append(e);
            return null;
        }
        dirs.add(dir);
        if (!Files.isRegularFile(dir.resolve(controlFile))) {
            whyNot.append("the new cgroup ").append(dir).append(" has no ").append(controlFile).append(" (controller not enabled there)");
            close();
            return null;
        }
        return dir;
    }

    public Cgroup.Version version() {
        return version;
    }

    public void limitMemory(long bytes) throws IOException {
        write(memory.resolve(version == Cgroup.Version.V2 ? "memory.max" : "memory.limit_in_bytes"), Long.toString(bytes));
    }

    public void limitCpu(long quotaMicros, long periodMicros) throws IOException {
        if (version == Cgroup.Version.V2) {
            write(cpu.resolve("cpu.max"), quotaMicros + " " + periodMicros);
        } else {
            write(cpu.resolve("cpu.cfs_period_us"), Long.toString(periodMicros));
            write(cpu.resolve("cpu.cfs_quota_us"), Long.toString(quotaMicros));
        }
    }

    private static void write(Path file, String value) throws IOException {
        Files.write(file, value.getBytes(StandardCharsets.US_ASCII));
    }

    /** The wrapper for {@link TargetJvm.Builder#prefix}; it needs {@link #env()} as {@code CGROUP_PROCS_FILES}. */
    public String[] prefix() {
        return new String[] {"bash", "-c", "for f in $CGROUP_PROCS_FILES; do echo $$ > \"$f\" || exit 97; done; exec \"$@\"", "bash"};
    }

    public String env() {
        StringBuilder b = new StringBuilder();
        for (Path d : dirs) {
            b.append(b.length() == 0 ? "" : " ").append(d.resolve("cgroup.procs"));
        }
        return b.toString();
    }

    /** Whether {@code pid} is in this cgroup (read from /proc/PID/cgroup). */
    public boolean contains(long pid) throws IOException {
        String text = new String(Files.readAllBytes(Paths.get("/proc/" + pid + "/cgroup")), StandardCharsets.US_ASCII);
        for (Path d : dirs) {
            if (!text.contains(d.getFileName().toString())) {
                return false;
            }
        }
        return true;
    }

    /** Removes the cgroup once it is empty (the JVM must have ended; waits a few seconds for the kernel). */
    @Override
    public void close() {
        for (Path d : dirs) {
            try {
                Poll.until("cgroup " + d + " removed", Duration.ofSeconds(10), () -> {
                    try {
                        Files.deleteIfExists(d);
                        return true;
                    } catch (IOException e) {
                        return false;
                    }
                }, done -> done);
            } catch (AssertionError e) {
                System.err.println("could not remove test cgroup " + d + ": " + e.getMessage());
            }
        }
        dirs.clear();
    }
}
