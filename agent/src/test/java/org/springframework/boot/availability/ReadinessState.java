package org.springframework.boot.availability;

/** A stand-in with the name and constants of Spring Boot's readiness state, for SpringContextsTest and SpringBootGateTest. */
public enum ReadinessState {
    ACCEPTING_TRAFFIC, REFUSING_TRAFFIC
}
