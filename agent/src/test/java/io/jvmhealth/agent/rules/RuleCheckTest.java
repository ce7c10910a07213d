package io.jvmhealth.agent.rules;

import io.jvmhealth.agent.health.CheckResult;
import io.jvmhealth.agent.health.HealthCheck;
import io.jvmhealth.agent.health.Role;
import io.jvmhealth.agent.health.Status;
import io.jvmhealth.agent.base.AgentThreads;
import io.jvmhealth.agent.jmx.JmxReader;
import io.jvmhealth.agent.testing.Poll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Rule checks over a private MBeanServer: absent presets, failed reads, and the bound on reader threads. */
class RuleCheckTest {
    public interface GaugeMBean {
        long getValue();
    }

    public static final class Gauge implements GaugeMBean {
        final CountDownLatch release;
        final long value;

        Gauge(long value, CountDownLatch release) {
            this.value = value;
            this.release = release;
        }

        @Override
        public long getValue() {
            if (release != null) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return value;
        }
    }

    private final MBeanServer server = MBeanServerFactory.newMBeanServer();
    private final CountDownLatch release = new CountDownLatch(1);
    private final List<HealthCheck> created = new ArrayList<>();

    @AfterEach
    void releaseAndClose() {
        release.countDown();
        for (HealthCheck c : created) {
            c.close();
        }
    }

    private List<HealthCheck> checks(List<Rule> rules, List<String> presets, long timeoutMillis) {
        List<HealthCheck> checks = RuleChecks.create(rules, presets, timeoutMillis, server, null);
        created.addAll(checks);
        return checks;
    }

    private static Rule rule(String name, String mbean, String attribute, String unhealthy) throws Exception {
        return new Rule(name, Role.READINESS, Status.HEALTHY,
                new Rule.Part(new ObjectName(mbean), attribute, null, null, Condition.parse(unhealthy), 0));
    }

    private static long readerThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith(AgentThreads.PREFIX + JmxReader.THREAD_NAME)).count();
    }

    public interface PoolMBean {
        int getThreadsAwaitingConnection();
    }

    public static final class Pool implements PoolMBean {
        @Override
        public int getThreadsAwaitingConnection() {
            return 2;
        }
    }

    @Test
    void aPresetWhoseMBeansDoNotExistIsAbsentAndAppearsWithThem() throws Exception {
        HealthCheck hikari = checks(List.of(), List.of(Presets.HIKARI), 1000).get(0);
        assertEquals("hikari", hikari.name());
        assertTrue(Poll.until("first read", Duration.ofSeconds(5), hikari::evaluate, r -> r.isAbsent()).isAbsent());
        // an MBean of that name without the preset's attribute (another version of the library): not judged
        server.registerMBean(new Gauge(0, null), new ObjectName("com.zaxxer.hikari:type=Pool (old)"));
        server.registerMBean(new Pool(), new ObjectName("com.zaxxer.hikari:type=Pool (db)"));
        CheckResult r = Poll.until("the pool judged", Duration.ofSeconds(5), hikari::evaluate, c -> !c.isAbsent());
        assertEquals(Status.HEALTHY, r.status(), "waiters for less than 10 s: " + r.details());
        assertEquals("com.zaxxer.hikari:type=Pool (db)", r.details().get("mbean"));
        assertEquals(1, r.details().get("matched"), "the pool without the attribute is not counted");
        assertTrue(String.valueOf(r.details().get("pending")).startsWith("degraded if > 0 still holds in"), r.details().toString());
    }

    @Test
    void stuckGettersCostAtMostTheBoundedReaderThreadsAndEvaluateNeverBlocks() throws Exception {
        List<Rule> rules = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            server.registerMBean(new Gauge(1, release), new ObjectName("t:type=Stuck,n=" + i));
            rules.add(rule("stuck" + i, "t:type=Stuck,n=" + i, "Value", "!= 1"));
        }
        server.registerMBean(new Gauge(1, null), new ObjectName("t:type=Fine"));
        rules.add(rule("fine", "t:type=Fine", "Value", "!= 1"));
        List<HealthCheck> checks = checks(rules, List.of(), 100);
        long slowest = 0;
        long end = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        List<CheckResult> last = Collections.emptyList();
        while (System.nanoTime() < end) {
            List<CheckResult> results = new ArrayList<>();
            for (HealthCheck c : checks) {
                long t0 = System.nanoTime();
                results.add(c.evaluate());
                slowest = Math.max(slowest, System.nanoTime() - t0);
            }
            last = results;
            assertTrue(readerThreads() <= JmxReader.MAX_THREADS, "reader threads: " + readerThreads());
            java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(20).toNanos()); // the evaluator's cadence, not a wait for a condition
        }
        for (int i = 0; i < 6; i++) {
            CheckResult r = last.get(i);
            assertEquals(Status.UNHEALTHY, r.status(), "stuck" + i + ": " + r.reason());
            assertTrue(r.reason().startsWith("reading Value of t:n=" + i + ",type=Stuck has not returned after")
                    || r.reason().startsWith("not read: all 4 JMX reader threads are blocked"), r.reason());
        }
        assertTrue(last.get(6).reason() == null || last.get(6).reason().startsWith("not read: all 4"), String.valueOf(last.get(6).reason()));
        // the getters never return: an evaluate() that waited for them would not return at all; 1 s leaves room for a loaded machine
        assertTrue(slowest < Duration.ofMillis(1000).toNanos(), "evaluate() returns at once, after the first-read wait: " + slowest / 1_000_000 + " ms");
        assertEquals(JmxReader.MAX_THREADS, readerThreads());

        release.countDown();
        Poll.until("every rule healthy again", Duration.ofSeconds(5), () -> {
            boolean all = true;
            for (HealthCheck c : checks) {
                all &= c.evaluate().status() == Status.HEALTHY;
            }
            return all;
        }, b -> b);
        Poll.until("the blocked readers ended", Duration.ofSeconds(5), RuleCheckTest::readerThreads, n -> n <= 1);
    }
}
