package io.jvmhealth.agent.health.checks.hang;

/** A hang judge's answer, independent of how checks are declared: the check that uses a judge maps it to its status. */
public enum Verdict {
    OK, DEGRADED, UNHEALTHY
}
