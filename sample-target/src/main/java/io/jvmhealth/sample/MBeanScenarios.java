package io.jvmhealth.sample;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * MBeans of the application's own, registered in the platform MBeanServer as
 * {@code io.jvmhealth.sample:type=Probe,name=NAME}, whose values are set on command (for the agent's
 * JMX rules). Only the {@code mbean*} commands touch JMX: the platform MBeanServer is created by the
 * first {@code mbean} command.
 */
final class MBeanScenarios {
    static final String DOMAIN = "io.jvmhealth.sample";
    private static final Map<String, Probe> PROBES = new ConcurrentHashMap<String, Probe>();

    private MBeanScenarios() {
    }

    static ObjectName objectName(String name) throws Exception {
        return new ObjectName(DOMAIN + ":type=Probe,name=" + name);
    }

    static void register(String name) throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        Probe probe = new Probe();
        server.registerMBean(probe, objectName(name));
        PROBES.put(name, probe);
    }

    static void unregister(String name) throws Exception {
        Probe probe = probe(name);
        PROBES.remove(name);
        probe.unblock();
        ManagementFactory.getPlatformMBeanServer().unregisterMBean(objectName(name));
    }

    static void set(String name, String field, String value) {
        Probe p = probe(name);
        switch (field) {
            case "count":
                p.count = Long.parseLong(value);
                break;
            case "max":
                p.max = Long.parseLong(value);
                break;
            case "state":
                p.state = value;
                break;
            case "used":
                p.used = Long.parseLong(value);
                break;
            case "usage-max":
                p.usageMax = Long.parseLong(value);
                break;
            default:
                throw new IllegalArgumentException("bad field for mbean-set: " + field + " (expected count, max, state, used or usage-max)");
        }
    }

    static void block(String name) {
        probe(name).block();
    }

    static void unblock(String name) {
        probe(name).unblock();
    }

    static void failing(String name, String onOff) {
        if (!"on".equals(onOff) && !"off".equals(onOff)) {
            throw new IllegalArgumentException("bad argument for mbean-throw: " + onOff + " (expected on or off)");
        }
        probe(name).failing = "on".equals(onOff);
    }

    private static Probe probe(String name) {
        Probe p = PROBES.get(name);
        if (p == null) {
            throw new IllegalArgumentException("no mbean named " + name + " (register it with: mbean " + name + ")");
        }
        return p;
    }
}
