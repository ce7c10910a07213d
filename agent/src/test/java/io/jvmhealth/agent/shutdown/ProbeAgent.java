package io.jvmhealth.agent.shutdown;

/**
 * A TEMPORARY wiring for the shutdown tests, until the agent's evaluator is the listener: a tiny agent
 * ({@code -javaagent} or attach; ShutdownIT packs it with the shutdown package into a jar of its own) that
 * starts a {@link ShutdownWatch} whose listener prints each call with its System.nanoTime on stderr:
 * {@code [probe] drainBegan NANOS DRAIN_NANOS}, {@code [probe] drainEnded NANOS WHY},
 * {@code [probe] shutdownBegan NANOS} (the cause follows in the agent's log line). Argument: {@code drain=MILLIS} (0 or absent: no drain),
 * {@code close=MILLIS} closes the watch that long after the start (the agent's {@code stop}), {@code out=stdout}
 * prints the probe's lines on stdout instead.
 * Unlike the agent (which starts on a thread of its own), premain installs synchronously.
 */
public final class ProbeAgent {
    private ProbeAgent() {
    }

    public static void premain(String args) {
        start(args);
    }

    public static void agentmain(String args) {
        start(args);
    }

    private static void start(String args) {
        long drainMillis = 0;
        long closeMillis = -1;
        if (args != null) {
            for (String part : args.split(",")) {
                if (part.startsWith("drain=")) {
                    drainMillis = Long.parseLong(part.substring("drain=".length()));
                } else if (part.equals("out=stdout")) {
                    out = System.out;
                } else if (part.startsWith("close=")) {
                    closeMillis = Long.parseLong(part.substring("close=".length()));
                }
            }
        }
        final ShutdownWatch watch = ShutdownWatch.start(new ShutdownListener() {
            @Override
            public void drainBegan(long drainNanos) {
                say("drainBegan " + System.nanoTime() + " " + drainNanos);
            }

            @Override
            public void drainEnded(String why) {
                say("drainEnded " + System.nanoTime() + " " + why);
            }

            @Override
            public void shutdownBegan() {
                say("shutdownBegan " + System.nanoTime());
            }
        }, drainMillis * 1_000_000L);
        say("started " + watch.describe());
        if (closeMillis >= 0) {
            final long millis = closeMillis;
            Thread closer = new Thread(new Runnable() {
                @Override
                public void run() {
                    try {
                        Thread.sleep(millis);
                    } catch (InterruptedException ignored) {
                        // close now
                    }
                    watch.close();
                    say("closed");
                }
            }, "probe-closer");
            closer.setDaemon(true);
            closer.start();
        }
    }

    private static volatile java.io.PrintStream out = System.err;

    private static void say(String line) {
        out.println("[probe] " + line);
        out.flush();
    }
}
