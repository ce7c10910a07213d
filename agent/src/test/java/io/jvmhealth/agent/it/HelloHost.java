package io.jvmhealth.agent.it;

/** A host whose main simply returns: the JVM must end then, whatever the agent runs. */
public final class HelloHost {
    private HelloHost() {
    }

    public static void main(String[] args) {
        System.out.println("hello from the host");
    }
}
