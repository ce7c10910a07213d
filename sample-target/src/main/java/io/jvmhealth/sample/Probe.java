package io.jvmhealth.sample;

import javax.management.openmbean.CompositeData;
import javax.management.openmbean.CompositeDataSupport;
import javax.management.openmbean.CompositeType;
import javax.management.openmbean.OpenDataException;
import javax.management.openmbean.OpenType;
import javax.management.openmbean.SimpleType;

/** The standard MBean: values start at count 0, max 10, state RUNNING, usage used 0 of max 100. */
public final class Probe implements ProbeMBean {
    private static final CompositeType USAGE;

    static {
        try {
            USAGE = new CompositeType("Usage", "used of max", new String[] {"used", "max"},
                    new String[] {"used", "max"}, new OpenType<?>[] {SimpleType.LONG, SimpleType.LONG});
        } catch (OpenDataException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    volatile long count;
    volatile long max = 10;
    volatile String state = "RUNNING";
    volatile long used;
    volatile long usageMax = 100;
    volatile boolean failing;
    private boolean blocked;

    @Override
    public long getCount() {
        return count;
    }

    @Override
    public long getMax() {
        return max;
    }

    @Override
    public String getState() {
        return state;
    }

    @Override
    public CompositeData getUsage() {
        try {
            return new CompositeDataSupport(USAGE, new String[] {"used", "max"}, new Object[] {used, usageMax});
        } catch (OpenDataException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public synchronized long getSlow() {
        while (blocked) {
            try {
                wait();
            } catch (InterruptedException e) {
                // a blocking getter ignores interruption, as a stuck one would
            }
        }
        return 1;
    }

    @Override
    public long getFlaky() {
        if (failing) {
            throw new IllegalStateException("flaky getter failed on purpose");
        }
        return 1;
    }

    synchronized void block() {
        blocked = true;
    }

    synchronized void unblock() {
        blocked = false;
        notifyAll();
    }
}
