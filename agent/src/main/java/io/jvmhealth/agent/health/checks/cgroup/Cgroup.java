package io.jvmhealth.agent.health.checks.cgroup;

import io.jvmhealth.agent.base.AgentResources;
import io.jvmhealth.agent.base.ProcFile;
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where this process's cgroup files are, found once from {@code /proc/self/cgroup} and
 * {@code /proc/self/mountinfo}: cgroup v1 (one hierarchy per controller), v2 (one unified hierarchy)
 * and the hybrid layout (v1 controllers plus an empty v2 mount, as systemd sets up). A controller
 * mounted in v1 is read there; otherwise v2 is used where the unified hierarchy has that
 * controller's files. Inside a container with its own cgroup namespace the process's path is
 * {@code /} and the mount's root is the container's cgroup; where the path and the mount's root do
 * not relate, the mount point itself is used (what the container sees as its cgroup).
 */
public final class Cgroup {
    /** The longest {@code /proc/self/cgroup} or {@code mountinfo} read (a node with thousands of mounts stays well below). */
    static final int MAX_FILE_BYTES = 4 * 1024 * 1024;

    /** Which cgroup version a controller was found in. */
    public enum Version {
        V1("v1"), V2("v2");

        private final String text;

        Version(String text) {
            this.text = text;
        }

        @Override
        public String toString() {
            return text;
        }
    }

    private final Version memoryVersion;
    private final String memoryDir;
    /** v2 only: the directory whose {@code memory.max} limits this cgroup (itself or the nearest limited ancestor). */
    private final String memoryLimitDir;
    private final Version cpuVersion;
    private final String cpuDir;
    private final String problem;

    private Cgroup(Version memoryVersion, String memoryDir, String memoryLimitDir, Version cpuVersion, String cpuDir, String problem) {
        this.memoryVersion = memoryVersion;
        this.memoryDir = memoryDir;
        this.memoryLimitDir = memoryLimitDir;
        this.cpuVersion = cpuVersion;
        this.cpuDir = cpuDir;
        this.problem = problem;
    }

    private static Cgroup self;

    /**
     * This process's cgroup, located once and shared by the checks that read it. Never throws: what could not
     * be found is null, with {@link #problem()} saying why.
     */
    public static synchronized Cgroup ofThisProcess() {
        if (self == null) {
            self = locate("", "/proc/self/cgroup", "/proc/self/mountinfo");
        }
        return self;
    }

    /**
     * @param root prefix for every path read (tests: a folder holding {@code sys/fs/cgroup/...}); "" on a real system
     */
    public static Cgroup locate(String root, String procCgroup, String mountinfo) {
        List<String> cgroupLines;
        List<String> mountLines;
        try {
            cgroupLines = lines(root + procCgroup);
            mountLines = lines(root + mountinfo);
        } catch (IOException | RuntimeException e) {
            return new Cgroup(null, null, null, null, null, "cannot read " + procCgroup + " and " + mountinfo + " (" + e.getClass().getSimpleName() + "): not Linux, or /proc is hidden");
        }
        Map<String, String> v1Paths = new HashMap<>();
        String v2Path = null;
        for (String line : cgroupLines) {
            int a = line.indexOf(':');
            int b = a < 0 ? -1 : line.indexOf(':', a + 1);
            if (b < 0) {
                continue;
            }
            String controllers = line.substring(a + 1, b);
            String path = line.substring(b + 1);
            if (line.startsWith("0::") && controllers.isEmpty()) {
                v2Path = path;
            } else {
                for (String c : controllers.split(",")) {
                    v1Paths.put(c, path);
                }
            }
        }
        Map<String, String[]> v1Mounts = new HashMap<>(); // controller -> {root, mountpoint}
        String[] v2Mount = null;
        for (String line : mountLines) {
            int dash = line.indexOf(" - ");
            if (dash < 0) {
                continue;
            }
            String[] left = line.substring(0, dash).split(" ");
            String[] right = line.substring(dash + 3).split(" ");
            if (left.length < 5 || right.length < 1) {
                continue;
            }
            String[] mount = {unescape(left[3]), unescape(left[4])};
            if (right[0].equals("cgroup2")) {
                if (v2Mount == null) {
                    v2Mount = mount;
                }
            } else if (right[0].equals("cgroup") && right.length >= 3) {
                for (String opt : right[2].split(",")) {
                    if (!v1Mounts.containsKey(opt)) {
                        v1Mounts.put(opt, mount);
                    }
                }
            }
        }
        Version memV = null;
        String memDir = null;
        String memLimitDir = null;
        String[] memMount = v1Mounts.get("memory");
        if (memMount != null && v1Paths.containsKey("memory")) {
            String dir = resolve(root, memMount, v1Paths.get("memory"));
            if (new File(dir, "memory.usage_in_bytes").isFile()) {
                memV = Version.V1;
                memDir = dir;
            }
        }
        if (memDir == null && v2Mount != null && v2Path != null) {
            String dir = resolve(root, v2Mount, v2Path);
            if (new File(dir, "memory.current").isFile()) {
                memV = Version.V2;
                memDir = dir;
                memLimitDir = limitedAncestor(dir, root + v2Mount[1]);
            }
        }
        Version cpuV = null;
        String cpuDirFound = null;
        String[] cpuMount = v1Mounts.get("cpu");
        if (cpuMount != null && v1Paths.containsKey("cpu")) {
            String dir = resolve(root, cpuMount, v1Paths.get("cpu"));
            if (new File(dir, "cpu.cfs_quota_us").isFile()) {
                cpuV = Version.V1;
                cpuDirFound = dir;
            }
        }
        if (cpuDirFound == null && v2Mount != null && v2Path != null) {
            String dir = resolve(root, v2Mount, v2Path);
            if (new File(dir, "cpu.max").isFile() || new File(dir, "cpu.stat").isFile() && new File(dir, "cgroup.controllers").isFile()) {
                cpuV = Version.V2;
                cpuDirFound = dir;
            }
        }
        String problem = memDir == null && cpuDirFound == null
                ? "no memory or cpu cgroup controller found for this process in " + procCgroup + " and " + mountinfo : null;
        return new Cgroup(memV, memDir, memLimitDir, cpuV, cpuDirFound, problem);
    }

    /**
     * A file's lines, from its bytes: no reader classes (a host that reads no text file has none loaded, and the
     * class-data sharing archive does not hold them: parsed, kept in metaspace, for two reads at start).
     * {@code /proc/self/mountinfo} of a node with many mounts is tens of KB; more than {@link #MAX_FILE_BYTES} is refused.
     */
    static List<String> lines(String path) throws IOException {
        byte[] b;
        try (FileInputStream in = new FileInputStream(path)) {
            b = AgentResources.readAll(path, in, 4096, MAX_FILE_BYTES); // /proc files say nothing is available: 4 KB first
        }
        int n = b.length;
        List<String> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= n; i++) {
            if (i == n || b[i] == '\n') {
                if (i > start || i < n) {
                    int end = i > start && b[i - 1] == '\r' ? i - 1 : i;
                    lines.add(new String(b, start, end - start, StandardCharsets.UTF_8));
                }
                start = i + 1;
            }
        }
        return lines;
    }

    /** The process's cgroup directory in a mount {@code {root, mountpoint}}, as the JDK's own container support resolves it. */
    static String resolve(String prefix, String[] mount, String path) {
        String mountRoot = mount[0];
        String mountPoint = prefix + mount[1];
        String dir;
        if (mountRoot.equals("/")) {
            dir = path.equals("/") ? mountPoint : mountPoint + path;
        } else if (mountRoot.equals(path)) {
            dir = mountPoint;
        } else if (path.startsWith(mountRoot + "/")) {
            dir = mountPoint + path.substring(mountRoot.length());
        } else {
            dir = mountPoint;
        }
        return new File(dir).isDirectory() ? dir : mountPoint;
    }

    /** v2: the directory itself or its nearest ancestor (within the mount) whose memory.max is a number; the directory when none is. */
    private static String limitedAncestor(String dir, String mountPoint) {
        File d = new File(dir);
        File top = new File(mountPoint);
        while (d != null) {
            File max = new File(d, "memory.max");
            if (max.isFile()) {
                ProcFile f = new ProcFile(max.getPath(), 64);
                if (f.read() && f.first() != ProcFile.MISSING) {
                    return d.getPath();
                }
            }
            if (d.equals(top)) {
                break;
            }
            d = d.getParentFile();
        }
        return dir;
    }

    /** mountinfo escapes blanks and backslashes as octal ({@code \040}). */
    private static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length()) {
                try {
                    b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                    i += 3;
                    continue;
                } catch (NumberFormatException ignored) {
                    // not an escape: keep the backslash
                }
            }
            b.append(c);
        }
        return b.toString();
    }

    /** Null when no memory controller was found. */
    public Version memoryVersion() {
        return memoryVersion;
    }

    public String memoryDir() {
        return memoryDir;
    }

    /** v2: where {@code memory.max} is read; v1: the memory directory. */
    public String memoryLimitDir() {
        return memoryLimitDir != null ? memoryLimitDir : memoryDir;
    }

    /** Null when no cpu controller was found. */
    public Version cpuVersion() {
        return cpuVersion;
    }

    public String cpuDir() {
        return cpuDir;
    }

    /** Why nothing was found, or null. */
    public String problem() {
        return problem;
    }

    @Override
    public String toString() {
        return "memory " + memoryVersion + " " + memoryDir + ", cpu " + cpuVersion + " " + cpuDir;
    }
}
