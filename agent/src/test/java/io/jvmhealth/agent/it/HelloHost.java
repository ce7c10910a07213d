package io.jvmhealth.agent.it;

import java.util.concurrent.locks.LockSupport;

/**
 * A host whose main simply returns: the JVM must end then, whatever the agent runs. With
 * {@code --await-agent} it first waits (up to 20 s) until the agent has published its URL, so the
 * agent's threads are certainly running when main returns.
 */
public final class HelloHost {
    private HelloHost() {
    }

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("--await-agent")) {
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (System.getProperty("jvmhealth.url") == null && System.nanoTime() < deadline) {
                LockSupport.parkNanos(10_000_000L);
            }
        }
        System.out.println("hello from the host");
    }
}
