package io.jvmhealth.agent.it.lm;

import java.util.logging.LogManager;

/** The host's own LogManager (as JBoss LogManager is WildFly's); loadable only by the class loader its main makes. */
public final class CustomLogManager extends LogManager {
}
