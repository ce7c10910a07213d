import io.jvmhealth.agent.health.HealthCheck;
import io.jvmhealth.agent.health.Role;
import io.jvmhealth.agent.health.Status;
import io.jvmhealth.agent.rules.Condition;
import io.jvmhealth.agent.rules.Rule;
import io.jvmhealth.agent.rules.RuleCheck;
import io.jvmhealth.agent.rules.RuleChecks;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * Cost of one evaluation of 100 JMX rules over 1,000 registered MBeans (each rule a pattern
 * matching 10 of them, so 1,000 attribute reads per evaluation), in the JVM's platform MBeanServer.
 * Usage: {@code RulesCost [RUNS]}. Prints, as percentiles over RUNS evaluations:
 * wall time from the first rule's evaluate() until every rule's read has been judged (the reads run
 * on the agent's jvm-health-jmx thread), the reader thread's CPU time over the same span (the work
 * itself, less sensitive to a busy machine), and the evaluator thread's own CPU time in the 100
 * evaluate() calls.
 */
public final class RulesCost {
    public interface GaugeMBean {
        long getValue();

        long getMax();
    }

    public static final class Gauge implements GaugeMBean {
        private final long value;

        Gauge(long value) {
            this.value = value;
        }

        @Override
        public long getValue() {
            return value;
        }

        @Override
        public long getMax() {
            return 100;
        }
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        for (int g = 0; g < 100; g++) {
            for (int i = 0; i < 10; i++) {
                server.registerMBean(new Gauge(i), new ObjectName("bench:type=Gauge,group=g" + g + ",n=" + i));
            }
        }
        List<Rule> rules = new ArrayList<>();
        for (int g = 0; g < 100; g++) {
            rules.add(new Rule("r" + g, Role.READINESS, Status.HEALTHY, new Rule.Part(new ObjectName("bench:type=Gauge,group=g" + g + ",*"),
                    "Value", "Max", Condition.parse(">= 0.8"), Condition.parse(">= 0.95"), 0)));
        }
        List<HealthCheck> checks = RuleChecks.create(rules, Collections.<String>emptyList(), 1000, server, null);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long[] wall = new long[runs];
        long[] caller = new long[runs];
        long[] reader = new long[runs];
        for (int run = -100; run < runs; run++) { // 100 warm-up evaluations
            long r0 = readerCpu(mx);
            long t0 = System.nanoTime();
            long c0 = mx.getCurrentThreadCpuTime();
            for (HealthCheck c : checks) {
                c.evaluate();
            }
            long c1 = mx.getCurrentThreadCpuTime();
            for (HealthCheck c : checks) {
                while (((RuleCheck) c).reading()) {
                    LockSupport.parkNanos(20_000); // not a spin: on a busy machine it would take the reader's CPU
                }
            }
            long t1 = System.nanoTime();
            long r1 = readerCpu(mx);
            if (run >= 0) {
                wall[run] = t1 - t0;
                caller[run] = c1 - c0;
                reader[run] = r1 - r0;
            }
            if (checks.get(0).evaluate().details().get("matched") == null) {
                throw new IllegalStateException("rules did not judge: " + checks.get(0).evaluate().reason());
            }
        }
        // the evaluate() above submitted one more read: let it finish
        for (HealthCheck c : checks) {
            while (((RuleCheck) c).reading()) {
                LockSupport.parkNanos(20_000);
            }
        }
        System.out.println("rules_eval_wall_ms\t" + pct(wall));
        System.out.println("rules_eval_evaluator_cpu_ms\t" + pct(caller));
        System.out.println("rules_eval_reader_cpu_ms\t" + pct(reader));
        for (HealthCheck c : checks) {
            c.close();
        }
    }

    /** CPU time of the agent's reader threads (jvm-health-jmx*), ns. */
    private static long readerCpu(ThreadMXBean mx) {
        long sum = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("jvm-health-jmx")) {
                sum += Math.max(0, mx.getThreadCpuTime(t.getId()));
            }
        }
        return sum;
    }

    private static String pct(long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        return String.format("p50 %.2f, p90 %.2f, p99 %.2f, max %.2f", s[s.length / 2] / 1e6, s[s.length * 9 / 10] / 1e6,
                s[Math.min(s.length - 1, s.length * 99 / 100)] / 1e6, s[s.length - 1] / 1e6);
    }
}
