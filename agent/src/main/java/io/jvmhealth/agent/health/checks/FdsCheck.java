package io.jvmhealth.agent.health.checks;

import io.jvmhealth.agent.health.CheckNames;
import io.jvmhealth.agent.health.CheckResult;
import io.jvmhealth.agent.health.HealthCheck;
import io.jvmhealth.agent.health.Status;

import java.io.BufferedReader;
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.OperatingSystemMXBean;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Open file descriptors against the process's limit ({@code RLIMIT_NOFILE}). A JVM that runs out
 * accepts no connection and opens no file ("Too many open files"), which often looks like a hang.
 * Read from the JDK's {@code UnixOperatingSystemMXBean} (it counts {@code /proc/self/fd} and calls
 * {@code getrlimit} natively, with no Java objects per descriptor); where that bean is missing,
 * from {@code /proc/self/fd} and {@code /proc/self/limits}.
 */
public final class FdsCheck implements HealthCheck {
    private final com.sun.management.UnixOperatingSystemMXBean unix;
    private final double degradedAt;
    private final double unhealthyAt;

    public FdsCheck(OperatingSystemMXBean os, double degradedAt, double unhealthyAt) {
        com.sun.management.UnixOperatingSystemMXBean u = null;
        try {
            if (os instanceof com.sun.management.UnixOperatingSystemMXBean) {
                u = (com.sun.management.UnixOperatingSystemMXBean) os;
            }
        } catch (LinkageError e) {
            // a JVM without com.sun.management: /proc below
        }
        this.unix = u;
        this.degradedAt = degradedAt;
        this.unhealthyAt = unhealthyAt;
    }

    @Override
    public String name() {
        return CheckNames.FDS;
    }

    @Override
    public CheckResult evaluate() {
        long open;
        long max;
        String source;
        if (unix != null) {
            open = unix.getOpenFileDescriptorCount();
            max = unix.getMaxFileDescriptorCount();
            source = "UnixOperatingSystemMXBean (/proc/self/fd, getrlimit RLIMIT_NOFILE)";
        } else {
            String[] fds = new File("/proc/self/fd").list();
            open = fds == null ? -1 : fds.length;
            max = procLimit();
            source = "/proc/self/fd, /proc/self/limits";
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("open", open);
        details.put("max", max);
        details.put("source", source);
        if (open < 0 && max > 0) {
            // counting needs a descriptor (for /proc/self/fd): failing to get one is what exhaustion looks like
            return CheckResult.of(Status.UNHEALTHY, "cannot count open file descriptors: opening /proc/self/fd failed, as it does when "
                    + "all " + max + " allowed are in use", details);
        }
        if (open < 0 || max <= 0) {
            details.put("note", "this JVM reports no descriptor count or limit: not judged");
            return CheckResult.healthy(details);
        }
        double ratio = (double) open / max;
        details.put("ratio", Math.round(ratio * 1000) / 1000.0);
        Status status = Status.of(ratio, degradedAt, unhealthyAt);
        double at = status == Status.UNHEALTHY ? unhealthyAt : degradedAt;
        return CheckResult.of(status, open + " of " + max + " file descriptors open (" + HeapCheck.percent(ratio) + "; "
                + status.json() + " at " + HeapCheck.percent(at) + ")", details);
    }

    /** The soft limit from the "Max open files" line of /proc/self/limits; -1 when unknown or unlimited. */
    static long procLimit() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new FileInputStream("/proc/self/limits"), StandardCharsets.US_ASCII))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith("Max open files")) {
                    String[] words = line.substring("Max open files".length()).trim().split("\\s+");
                    return words[0].equals("unlimited") ? -1 : Long.parseLong(words[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
