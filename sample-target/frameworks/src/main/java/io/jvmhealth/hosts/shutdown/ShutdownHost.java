package io.jvmhealth.hosts.shutdown;

import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * A plain Java host (no agent code) that ends in one of the ways a JVM's shutdown begins, for the shutdown
 * tests and measurements. Here rather than in sample-target (release 8) because {@code own-handler} uses
 * {@code sun.misc.Signal}, which {@code javac --release 8} does not offer; it needs only this jar on its class path.
 *
 * <pre>
 *   java -cp gate-hosts.jar io.jvmhealth.hosts.shutdown.ShutdownHost MODE [ARGS]
 *   wait                   main waits forever (a SIGTERM ends the JVM: exit 143)
 *   exit CODE MS           System.exit(CODE) after MS milliseconds
 *   last-thread MS         main returns at once; the only other non-daemon thread ends after MS milliseconds (exit 0)
 *   own-handler CODE       installs its own SIGTERM handler (sun.misc.Signal), which prints a line and System.exit(CODE)
 *   own-handler-chain CODE the same handler, but it calls the handler it replaced instead of exiting itself
 *   own-handler-stay       its SIGTERM handler prints a line and returns: the JVM lives on
 *   exit-stderr-held CODE  a daemon thread takes System.err's monitor for good (on JDK 8 to 17 every other writer of
 *                          System.err then blocks), then main calls System.exit(CODE) after 300 ms
 *   listen PORT            listens on PORT (loopback); stdin {@code close} closes that socket, the JVM living on
 * </pre>
 * {@code -Dhost.hook.millis=MS}: its shutdown hook takes that long (a shutdown that takes a while, as an application's
 * graceful shutdown does: what readiness says meanwhile can be seen).
 * stdout: {@code ready} once set up; {@code host handler SIGTERM NANOS} from its handler; {@code host hook NANOS}
 * from its own shutdown hook (NANOS: System.nanoTime, CLOCK_MONOTONIC on Linux, comparable with the test's);
 * {@code exit NANOS} and {@code last thread ends NANOS} just before those happen.
 */
public final class ShutdownHost {
    private ShutdownHost() {
    }

    public static void main(String[] args) throws Exception {
        long hookMillis = Long.getLong("host.hook.millis", 0L);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            say("host hook " + System.nanoTime());
            if (hookMillis > 0) {
                try {
                    Thread.sleep(hookMillis);
                } catch (InterruptedException ignored) {
                    // end now
                }
            }
        }, "host-hook"));
        switch (args[0]) {
            case "wait":
                say("ready");
                waitForever();
                break;
            case "exit":
                say("ready");
                Thread.sleep(Long.parseLong(args[2]));
                say("exit " + System.nanoTime());
                System.exit(Integer.parseInt(args[1]));
                break;
            case "last-thread":
                long millis = Long.parseLong(args[1]);
                Thread last = new Thread(() -> {
                    try {
                        Thread.sleep(millis);
                    } catch (InterruptedException ignored) {
                        // end now
                    }
                    say("last thread ends " + System.nanoTime());
                }, "host-last-thread");
                last.setDaemon(false);
                last.start();
                say("ready");
                return;
            case "exit-stderr-held":
                Thread holder = new Thread(() -> {
                    synchronized (System.err) {
                        say("stderr held");
                        LockSupportHolder.parkForever();
                    }
                }, "host-stderr-holder");
                holder.setDaemon(true);
                holder.start();
                say("ready");
                Thread.sleep(300);
                say("exit " + System.nanoTime());
                System.exit(Integer.parseInt(args[1]));
                break;
            case "listen":
                java.net.ServerSocket socket = new java.net.ServerSocket(Integer.parseInt(args[1]), 50,
                        java.net.InetAddress.getLoopbackAddress());
                say("ready");
                io.jvmhealth.hosts.Stdin.commands(java.util.Map.of("close", socket::close));
                waitForever();
                break;
            case "own-handler":
            case "own-handler-chain":
            case "own-handler-stay":
                ownHandler(args[0], args.length > 1 ? Integer.parseInt(args[1]) : 0);
                say("ready");
                waitForever();
                break;
            default:
                throw new IllegalArgumentException("unknown mode " + args[0]);
        }
    }

    private static void ownHandler(String mode, int code) {
        SignalHandler[] previous = new SignalHandler[1];
        previous[0] = Signal.handle(new Signal("TERM"), sig -> {
            say("host handler SIG" + sig.getName() + " " + System.nanoTime() + " on " + Thread.currentThread().getName());
            if (mode.equals("own-handler")) {
                System.exit(code);
            } else if (mode.equals("own-handler-chain")) {
                previous[0].handle(sig);
            }
        });
        say("host replaced " + (previous[0].toString().startsWith("java.lang.Terminator") ? "the JVM's handler" : "another handler"));
    }

    private static final class LockSupportHolder {
        static void parkForever() {
            while (true) {
                java.util.concurrent.locks.LockSupport.park();
            }
        }
    }

    private static void waitForever() throws InterruptedException {
        Object never = new Object();
        synchronized (never) {
            while (true) {
                never.wait();
            }
        }
    }

    private static void say(String line) {
        synchronized (System.out) {
            System.out.println(line);
            System.out.flush();
        }
    }
}
