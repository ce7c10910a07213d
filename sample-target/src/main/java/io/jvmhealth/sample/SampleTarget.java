package io.jvmhealth.sample;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * A plain Java application that the JVM health agent's tests and demos attach to.
 *
 * <p>It exists so that the agent can be exercised against a real, separate JVM whose state
 * (heap usage, GC pressure, deadlocks, thread count, OutOfMemoryError, open file descriptors,
 * closed stdout) is put into a known condition on demand. It has no dependencies and knows
 * nothing about the agent.
 *
 * <h2>Usage</h2>
 * <pre>
 *   java [-javaagent:...] -jar sample-target.jar [COMMAND [ARGS]]...
 * </pre>
 * The command-line arguments are a sequence of commands run in order at start-up; each command
 * word is followed by its fixed number of arguments. Then further commands are read from stdin,
 * one or more per line, with the same syntax (words separated by white space; blank lines are
 * ignored). At EOF on stdin (or when there is no stdin: descriptor 0 closed) the program keeps
 * running whatever it is doing until an {@code exit} command or until it is killed.
 *
 * <p>Output, all deterministic (no timestamps, no pids), so that two runs can be compared byte for
 * byte:
 * <ul>
 *   <li>stdout: {@code sample-target started} at start, then after each completed command exactly
 *       one line {@code ok COMMAND [ARGS]}, the arguments echoed as given (e.g. {@code ok leak 0.9});
 *       {@code print} additionally prints its text before its ok line. Nothing else.</li>
 *   <li>stderr: {@code error MESSAGE} for an unknown command or a bad argument (the program then
 *       continues with the next command), and for the failures noted below.</li>
 * </ul>
 *
 * <h2>Commands</h2>
 * <pre>
 *   idle               do nothing (the default state)
 *   work               start a daemon thread "sample-worker" doing light steady work (~5% of a core, ~25 MB/s of short-lived garbage)
 *   print TEXT         print TEXT (one word) on its own line
 *   leak FRACTION      retain ~1 MiB byte[] chunks until the retained bytes reach FRACTION (0 &lt; FRACTION &lt; 1)
 *                      of Runtime.maxMemory(); allocates on the command thread. On OutOfMemoryError it stops,
 *                      keeps what it retained (less the last chunk, see MemoryScenarios), prints "error oom"
 *                      on stderr and still prints the ok line
 *   free               drop all memory retained by leak/oom, then System.gc()
 *   churn THREADS      start THREADS daemon threads "sample-churn-N" allocating garbage as fast as possible
 *                      while constantly replacing a moderate live set (real copying work for young GCs)
 *   churn-stop         stop the churn threads and wait until they ended
 *   deadlock monitor   start daemon threads "deadlock-a" and "deadlock-b" deadlocked on two Object monitors;
 *                      ok once both are BLOCKED
 *   deadlock lock      the same with two ReentrantLocks; ok once both are WAITING queued on the locks
 *   threads N          start N daemon threads "sample-spawned-I" that park; ok once all N have started
 *   threads-stop       release the spawned threads and wait until they ended
 *   oom                a daemon thread "sample-oom" fills the heap with ~1 MiB chunks until it catches an
 *                      OutOfMemoryError (the chunks stay retained, less the last one: heap stays full), then
 *                      the command thread throws and catches one more OutOfMemoryError allocating a large array
 *   sleep MS           sleep MS milliseconds
 *   exit CODE          flush stdout and System.exit(CODE); no ok line
 *   close-stdout       close System.out (later ok lines are silently lost); no ok line
 *   fds N              open N file descriptors (/dev/null) or until opening fails (error on stderr);
 *                      the ok line echoes N as given
 *   fds-free           close them
 *   mbean NAME         register a standard MBean io.jvmhealth.sample:type=Probe,name=NAME in the platform MBeanServer
 *                      (created by the first mbean command: nothing else here touches JMX) with attributes Count
 *                      (long, 0), Max (long, 10), State (String, RUNNING), Usage (CompositeData: used 0, max 100),
 *                      Slow (long 1; blocks while blocked) and Flaky (long 1; throws while failing)
 *   mbean-set NAME FIELD VALUE   set count, max, used, usage-max (integers) or state (one word)
 *   mbean-block NAME   from now on, reading Slow blocks (ignoring interrupts) until mbean-unblock NAME
 *   mbean-unblock NAME release the blocked readers of Slow
 *   mbean-throw NAME on|off   reading Flaky throws IllegalStateException (on) or returns 1 (off)
 *   mbean-remove NAME  unregister it (releasing blocked readers)
 *   direct MIB         allocate MIB direct ByteBuffers of 1 MiB each (off-heap, zeroed, so resident) and keep them;
 *                      needs -XX:MaxDirectMemorySize above the total (its default is the max heap)
 *   direct-free        drop them, then System.gc() (their memory is freed once collected)
 *   spin N             start N daemon threads "sample-spin-I" spinning on the CPU
 *   spin-stop          stop them and wait until they ended
 *   hostile            start eight daemon threads with hostile names (CR and ANSI escapes, LF, quotes, backslash,
 *                      tab, lone surrogates, U+2028/U+2029, NUL, C1 and DEL, a 5,000-character name, an emoji,
 *                      HTML markup: {@code <img src=x onerror=alert(1)>} and a script element),
 *                      deadlocked in pairs on monitors; ok once all are BLOCKED
 *   hold-stderr        a daemon thread "sample-stderr-holder" takes System.err's monitor and keeps it (every other
 *                      writer of System.err blocks, on JDKs whose PrintStream locks its own monitor: 8 to 17);
 *                      ok once it is held (ok goes to stdout)
 *   release-stderr     let it go
 *   listen PORT        listen on TCP port PORT (all interfaces; connections wait in the backlog, never accepted)
 *   unlisten PORT      close that listening socket
 *   return-after MS    call Startup.returnAfter(MS): returns normally after MS milliseconds (a startup-gate target)
 *   fail-after MS      call Startup.failAfter(MS): throws IllegalStateException after MS milliseconds (caught;
 *                      "error fail-after failed: ..." on stderr, no ok line)
 *   internal-access    call the JDK's internal sun.management.ManagementFactoryHelper.getThreadMXBean() by reflection
 *                      and print "internal-access allowed" or "internal-access refused EXCEPTION" (what a library
 *                      probing the JDK's internals sees: an agent must not change it)
 *   selector-provider  choose OwnSelectorProvider in the system property java.nio.channels.spi.SelectorProvider,
 *                      then print "selector-provider CLASS" of SelectorProvider.provider() (the JVM-wide provider is
 *                      chosen once, by its first caller: an agent must not have been that caller)
 *   vdeadlock KIND     (JDK 21+) virtual threads deadlocked: monitor ("vdeadlock-a"/"vdeadlock-b" on synchronized), lock (the
 *                      same on ReentrantLocks), cycle3 ("vcycle-1..3" on monitors), chain (platform threads
 *                      "pdeadlock-a"/"-b" deadlocked on monitors and a virtual thread "vchain" blocked behind them);
 *                      ok once all are blocked (see VirtualThreads)
 *   vthreads N         (JDK 21+) N virtual threads "vbusy-I" sleeping 20-200 ms and taking shared monitors and
 *                      ReentrantLocks for a moment, over and over; ok once all started
 *   vthreads-stop      end them
 *   vstarve S W        (JDK 21+) S virtual threads spinning on the CPU (as many as carriers starve the scheduler) and W
 *                      waking every 10 ms
 *   vstarve-stop       end them
 *   spiral FRACTION T  a GC death spiral: live data up to FRACTION of the max heap, then T threads allocating and
 *                      replacing live data (see GcPressure)
 *   alloc-heavy T      T threads allocating short-lived garbage as fast as they can over a small live set
 *   gc-stop            end spiral / alloc-heavy and drop their data
 * </pre>
 *
 * <p>The main thread is the only non-daemon thread and runs all commands. Every other thread this
 * program creates is a daemon thread, including the deadlocked ones, so that {@code exit} (or the
 * main thread ending) can always end the JVM.
 */
public final class SampleTarget {

    /** Number of arguments that follows each command word. */
    private static final Map<String, Integer> ARITY = new HashMap<String, Integer>();

    static {
        ARITY.put("idle", 0);
        ARITY.put("work", 0);
        ARITY.put("print", 1);
        ARITY.put("leak", 1);
        ARITY.put("free", 0);
        ARITY.put("churn", 1);
        ARITY.put("churn-stop", 0);
        ARITY.put("deadlock", 1);
        ARITY.put("threads", 1);
        ARITY.put("threads-stop", 0);
        ARITY.put("oom", 0);
        ARITY.put("sleep", 1);
        ARITY.put("exit", 1);
        ARITY.put("close-stdout", 0);
        ARITY.put("fds", 1);
        ARITY.put("fds-free", 0);
        ARITY.put("mbean", 1);
        ARITY.put("mbean-remove", 1);
        ARITY.put("mbean-set", 3);
        ARITY.put("mbean-block", 1);
        ARITY.put("mbean-unblock", 1);
        ARITY.put("mbean-throw", 2);
        ARITY.put("direct", 1);
        ARITY.put("direct-free", 0);
        ARITY.put("spin", 1);
        ARITY.put("spin-stop", 0);
        ARITY.put("hostile", 0);
        ARITY.put("hold-stderr", 0);
        ARITY.put("release-stderr", 0);
        ARITY.put("listen", 1);
        ARITY.put("unlisten", 1);
        ARITY.put("return-after", 1);
        ARITY.put("fail-after", 1);
        ARITY.put("internal-access", 0);
        ARITY.put("selector-provider", 0);
        ARITY.put("vdeadlock", 1);
        ARITY.put("vthreads", 1);
        ARITY.put("vthreads-stop", 0);
        ARITY.put("vstarve", 2);
        ARITY.put("vstarve-stop", 0);
        ARITY.put("spiral", 2);
        ARITY.put("alloc-heavy", 1);
        ARITY.put("gc-stop", 0);
    }

    private SampleTarget() {
    }

    public static void main(String[] args) {
        out("sample-target started");
        runAll(args);
        readStdin();
        // EOF on stdin: keep running (with whatever threads, leaks or deadlocks) until exit/kill.
        CountDownLatch never = new CountDownLatch(1);
        while (true) {
            try {
                never.await();
            } catch (InterruptedException e) {
                // Keep the JVM alive anyway.
            }
        }
    }

    private static void readStdin() {
        if (!stdinIsUsable()) {
            return;
        }
        try {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, "UTF-8"));
            String line;
            while ((line = in.readLine()) != null) {
                String trimmed = line.trim();
                if (!trimmed.isEmpty()) {
                    runAll(trimmed.split("\\s+"));
                }
            }
        } catch (IOException e) {
            // No usable stdin (e.g. closed): treat like EOF.
        }
    }

    /**
     * When the JVM is started with file descriptor 0 closed, the JVM itself reuses descriptor 0 for
     * the first file it opens (lib/modules, rt.jar or a jar) and System.in then reads that file.
     * Detects this on Linux, where /proc/self/fd/0 tells what descriptor 0 is; elsewhere assumes
     * stdin is fine.
     */
    private static boolean stdinIsUsable() {
        try {
            Path fd0 = Paths.get("/proc/self/fd/0");
            if (!Files.isSymbolicLink(fd0)) {
                return true;
            }
            String target = Files.readSymbolicLink(fd0).toString();
            String javaHome = Paths.get(System.getProperty("java.home")).toRealPath().toString();
            return !(target.startsWith(javaHome + File.separator) || target.endsWith(".jar"));
        } catch (IOException | RuntimeException e) {
            return true;
        }
    }

    /** Runs a sequence of commands, each word followed by its fixed number of arguments. */
    static void runAll(String[] words) {
        int i = 0;
        while (i < words.length) {
            String command = words[i];
            Integer arity = ARITY.get(command);
            if (arity == null) {
                error("unknown command: " + command);
                i++;
                continue;
            }
            if (i + arity >= words.length) {
                error("missing argument for " + command);
                return;
            }
            String[] commandArgs = Arrays.copyOfRange(words, i + 1, i + 1 + arity);
            i += 1 + arity;
            try {
                run(command, commandArgs);
            } catch (IllegalArgumentException e) {
                error(e.getMessage());
            } catch (InterruptedException e) {
                error(command + " interrupted");
            } catch (RuntimeException e) {
                error(command + " failed: " + e);
            } catch (OutOfMemoryError e) {
                // Safety net: the main thread must survive a full heap (e.g. printing after oom).
                error(command + " failed: " + e);
            }
        }
    }

    private static void run(String command, String[] args) throws InterruptedException {
        String arg = args.length > 0 ? args[0] : null;
        // Prepared before running: printing it must not need much heap after leak/oom.
        StringBuilder ok = new StringBuilder("ok ").append(command);
        for (String a : args) {
            ok.append(' ').append(a);
        }
        String okLine = ok.toString();
        switch (command) {
            case "idle":
                break;
            case "work":
                ThreadScenarios.startWorker();
                break;
            case "print":
                out(arg);
                break;
            case "leak":
                MemoryScenarios.leak(parseFraction(arg));
                break;
            case "free":
                MemoryScenarios.free();
                break;
            case "churn":
                MemoryScenarios.startChurn(parseCount(command, arg, 1));
                break;
            case "churn-stop":
                MemoryScenarios.stopChurn();
                break;
            case "deadlock":
                if ("monitor".equals(arg)) {
                    ThreadScenarios.deadlockOnMonitors();
                } else if ("lock".equals(arg)) {
                    ThreadScenarios.deadlockOnLocks();
                } else {
                    throw new IllegalArgumentException(
                            "bad argument for deadlock: " + arg + " (expected monitor or lock)");
                }
                break;
            case "threads":
                ThreadScenarios.startSpawned(parseCount(command, arg, 0));
                break;
            case "threads-stop":
                ThreadScenarios.stopSpawned();
                break;
            case "oom":
                MemoryScenarios.oom();
                break;
            case "sleep":
                Thread.sleep(parseCount(command, arg, 0));
                break;
            case "exit":
                int code = parseInt(command, arg);
                System.out.flush();
                System.exit(code);
                return;
            case "close-stdout":
                System.out.close();
                return;
            case "fds":
                FileDescriptors.open(parseCount(command, arg, 0));
                break;
            case "fds-free":
                FileDescriptors.closeAll();
                break;
            case "mbean":
            case "mbean-remove":
                try {
                    if ("mbean".equals(command)) {
                        MBeanScenarios.register(arg);
                    } else {
                        MBeanScenarios.unregister(arg);
                    }
                } catch (IllegalArgumentException e) {
                    throw e;
                } catch (Exception e) {
                    throw new IllegalArgumentException(command + " " + arg + " failed: " + e);
                }
                break;
            case "mbean-set":
                try {
                    MBeanScenarios.set(arg, args[1], args[2]);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("bad value for mbean-set: " + args[2] + " (expected an integer)");
                }
                break;
            case "mbean-block":
                MBeanScenarios.block(arg);
                break;
            case "mbean-unblock":
                MBeanScenarios.unblock(arg);
                break;
            case "mbean-throw":
                MBeanScenarios.failing(arg, args[1]);
                break;
            case "direct":
                ResourceScenarios.direct(parseCount(command, arg, 0));
                break;
            case "direct-free":
                ResourceScenarios.directFree();
                break;
            case "spin":
                ResourceScenarios.spin(parseCount(command, arg, 1));
                break;
            case "spin-stop":
                ResourceScenarios.spinStop();
                break;
            case "hostile":
                ResourceScenarios.hostile();
                break;
            case "hold-stderr":
                ResourceScenarios.holdStderr();
                break;
            case "release-stderr":
                ResourceScenarios.releaseStderr();
                break;
            case "listen":
                try {
                    Startup.listen(parseCount(command, arg, 1));
                } catch (java.io.IOException e) {
                    throw new IllegalArgumentException("cannot listen on " + arg + ": " + e.getMessage());
                }
                break;
            case "unlisten":
                try {
                    Startup.unlisten(parseCount(command, arg, 1));
                } catch (java.io.IOException e) {
                    throw new IllegalArgumentException("cannot close " + arg + ": " + e.getMessage());
                }
                break;
            case "return-after":
                Startup.returnAfter(parseCount(command, arg, 0));
                break;
            case "fail-after":
                Startup.failAfter(parseCount(command, arg, 0));
                break;
            case "internal-access":
                out(internalAccess());
                break;
            case "selector-provider":
                System.setProperty("java.nio.channels.spi.SelectorProvider", OwnSelectorProvider.class.getName());
                out("selector-provider " + java.nio.channels.spi.SelectorProvider.provider().getClass().getName());
                break;
            case "vdeadlock":
                if ("monitor".equals(arg)) {
                    VirtualThreads.deadlockOnMonitors();
                } else if ("lock".equals(arg)) {
                    VirtualThreads.deadlockOnLocks();
                } else if ("cycle3".equals(arg)) {
                    VirtualThreads.cycleOfThree();
                } else if ("chain".equals(arg)) {
                    VirtualThreads.chainIntoPlatformCycle();
                } else {
                    throw new IllegalArgumentException("bad argument for vdeadlock: " + arg + " (expected monitor, lock, cycle3 or chain)");
                }
                break;
            case "vthreads":
                VirtualThreads.startBusy(parseCount(command, arg, 1));
                break;
            case "vthreads-stop":
                VirtualThreads.stopBusy();
                break;
            case "vstarve":
                VirtualThreads.starve(parseCount(command, arg, 1), parseCount(command, args[1], 0));
                break;
            case "vstarve-stop":
                VirtualThreads.starveStop();
                break;
            case "spiral":
                GcPressure.spiral(parseFraction(arg), parseCount(command, args[1], 1));
                break;
            case "alloc-heavy":
                GcPressure.allocationHeavy(parseCount(command, arg, 1));
                break;
            case "gc-stop":
                GcPressure.stop();
                break;
            default:
                throw new IllegalArgumentException("unknown command: " + command);
        }
        out(okLine);
    }

    private static String internalAccess() {
        try {
            Class.forName("sun.management.ManagementFactoryHelper").getMethod("getThreadMXBean").invoke(null);
            return "internal-access allowed";
        } catch (Exception e) {
            return "internal-access refused " + e.getClass().getName();
        }
    }

    private static double parseFraction(String arg) {
        double fraction;
        try {
            fraction = Double.parseDouble(arg);
        } catch (NumberFormatException e) {
            fraction = Double.NaN;
        }
        if (!(fraction > 0 && fraction < 1)) {
            throw new IllegalArgumentException(
                    "bad argument for leak: " + arg + " (expected a fraction between 0 and 1, exclusive)");
        }
        return fraction;
    }

    private static int parseCount(String command, String arg, int min) {
        int value = parseInt(command, arg);
        if (value < min) {
            throw new IllegalArgumentException("bad argument for " + command + ": " + arg
                    + " (expected an integer >= " + min + ")");
        }
        return value;
    }

    private static int parseInt(String command, String arg) {
        try {
            return Integer.parseInt(arg);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "bad argument for " + command + ": " + arg + " (expected an integer)");
        }
    }

    /** Prints one line on stdout and flushes it (stdout only ever gets the documented lines). */
    static void out(String line) {
        System.out.println(line);
        System.out.flush();
    }

    /** Prints {@code error MESSAGE} on stderr. */
    static void error(String message) {
        System.err.println("error " + message);
        System.err.flush();
    }
}
