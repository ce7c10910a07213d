package io.jvmhealth.sample;

import javax.management.openmbean.CompositeData;

/** The management interface of {@link Probe}: numeric, text and CompositeData attributes. */
public interface ProbeMBean {
    long getCount();

    long getMax();

    String getState();

    /** Keys {@code used} and {@code max} (longs). */
    CompositeData getUsage();

    /** Returns 1 at once, or blocks while the probe is blocked ({@code mbean-block}). */
    long getSlow();

    /** Returns 1, or throws IllegalStateException while {@code mbean-throw NAME on}. */
    long getFlaky();
}
