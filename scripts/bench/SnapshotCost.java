import io.jvmhealth.agent.health.CheckResult;
import io.jvmhealth.agent.health.Evaluator;
import io.jvmhealth.agent.health.HealthCheck;
import io.jvmhealth.agent.health.Role;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU time of one {@link Evaluator#evaluateOnce()} over four checks with fixed results (the default checks'
 * names and detail shapes, no MXBean call): what serializing a snapshot costs (JSON bodies, verbose texts,
 * per-check bodies, /metrics). Usage: {@code java -cp CLASSES:agent/target/jvm-health-agent.jar SnapshotCost}.
 */
public final class SnapshotCost {
    static final class Fixed implements HealthCheck {
        final String name; final Role role; final CheckResult r;
        Fixed(String n, Role role, CheckResult r) { this.name = n; this.role = role; this.r = r; }
        public String name() { return name; }
        public Role role() { return role; }
        public CheckResult evaluate() { return r; }
    }
    public static void main(String[] a) {
        Map<String, Object> heap = new LinkedHashMap<>();
        heap.put("usedAfterGcBytes", 4116480L); heap.put("maxBytes", 6320816128L); heap.put("ratio", 0.001); heap.put("pools", Arrays.asList("G1 Old Gen"));
        Map<String, Object> gc = new LinkedHashMap<>();
        gc.put("pauseFraction", 0.0033); gc.put("windowSeconds", 60L); gc.put("observedSeconds", 1.802); gc.put("pausedMillis", 6L); gc.put("pauseCollectors", Arrays.asList("G1 Young Generation", "G1 Old Generation"));
        Map<String, Object> th = new LinkedHashMap<>();
        th.put("live", 10); th.put("peak", 11); th.put("daemon", 9);
        List<HealthCheck> checks = Arrays.asList(new Fixed("deadlock", Role.LIVENESS, CheckResult.healthy(null)),
            new Fixed("heap", Role.READINESS, CheckResult.healthy(heap)), new Fixed("gc", Role.READINESS, CheckResult.healthy(gc)),
            new Fixed("threads", Role.READINESS, CheckResult.healthy(th)));
        Evaluator e = new Evaluator(checks, 5000);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 20000; i++) e.evaluateOnce();
        int n = 20000;
        long t0 = mx.getCurrentThreadCpuTime();
        for (int i = 0; i < n; i++) e.evaluateOnce();
        long t1 = mx.getCurrentThreadCpuTime();
        System.out.println("evaluateOnce with 4 fixed checks: " + (t1 - t0) / n / 1000.0 + " us CPU each");
    }
}
