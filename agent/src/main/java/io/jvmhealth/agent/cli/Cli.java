package io.jvmhealth.agent.cli;

import io.jvmhealth.agent.base.AgentLog;
import io.jvmhealth.agent.runtime.AgentRuntime;
import io.jvmhealth.agent.runtime.Launch;
import io.jvmhealth.agent.config.InvalidOptionException;
import io.jvmhealth.agent.runtime.Catalog;

import java.io.File;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The command-line tool: {@code java -jar jvm-health-agent.jar list | attach PID [OPTIONS] | status PID
 * | stop PID | --help}. The only code of the project that writes to stdout: results on stdout (a URL,
 * the list), every failure as one line on stderr prefixed {@code jvm-health:}, never a stack trace.
 *
 * <p>Options are validated here, against the same rules the agent uses, before anything is loaded into
 * the target. {@code status} and {@code list} only read the target's system properties
 * ({@value AgentRuntime#URL_PROPERTY}, {@value AgentRuntime#ERROR_PROPERTY}); {@code attach} and
 * {@code stop} load this jar into the target, whose {@code agentmain} starts or stops the agent.
 */
public final class Cli {
    static final int OK = 0;
    /** The JVM could not be attached to: no such pid, not a JVM, refused, no attach API here. */
    static final int FAILED = 1;
    static final int USAGE = 2;
    /** {@code status}: the agent does not run in that JVM. */
    static final int NOT_RUNNING = 3;
    /** The agent was loaded but did not start, or does not answer. */
    static final int AGENT_FAILED = 4;

    static final long LIVE_DEADLINE_MILLIS = 15_000;
    static final long LIST_DEADLINE_MILLIS = 15_000;
    /** HotSpot's limit for one attach argument ({@code jar=options}). */
    private static final int MAX_ATTACH_ARGUMENT = 1024;
    private static final String PREFIX = "jvm-health: ";

    private final PrintStream out;
    private final PrintStream err;

    private Cli(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        System.out.flush();
        System.exit(code);
    }

    /** Runs one command; returns its exit code. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        Cli cli = new Cli(out, err);
        try {
            return cli.dispatch(args);
        } catch (CliFailure e) {
            err.println(PREFIX + e.getMessage() + (e.exitCode == USAGE ? " (see --help)" : ""));
            return e.exitCode;
        } catch (Throwable e) {
            err.println(PREFIX + "unexpected failure: " + AgentLog.describe(AttachApi.cause(e)));
            return FAILED;
        }
    }

    private int dispatch(String[] args) throws CliFailure {
        if (args.length == 0) {
            err.print(usage());
            return USAGE;
        }
        String command = args[0];
        switch (command) {
            case "--help":
            case "-h":
            case "help":
                out.print(usage());
                return OK;
            case "list":
                requireArgs(args, 1, 1, "list");
                return list();
            case "attach":
                requireArgs(args, 2, Integer.MAX_VALUE, "attach PID [OPTIONS]");
                return attach(TargetProcess.parsePid(args[1]), String.join(",", Arrays.asList(args).subList(2, args.length)));
            case "status":
                requireArgs(args, 2, 2, "status PID");
                return status(TargetProcess.parsePid(args[1]));
            case "stop":
                requireArgs(args, 2, 2, "stop PID");
                return stop(TargetProcess.parsePid(args[1]));
            default:
                throw new CliFailure(USAGE, "unknown command '" + command + "' (commands: list, attach, status, stop, --help)");
        }
    }

    private static void requireArgs(String[] args, int min, int max, String shape) throws CliFailure {
        if (args.length < min || args.length > max) {
            throw new CliFailure(USAGE, "usage: " + shape);
        }
    }

    private int attach(long pid, String options) throws CliFailure {
        try {
            Catalog.resolve(options, new Properties(), Collections.<String, String>emptyMap());
        } catch (InvalidOptionException e) {
            throw new CliFailure(USAGE, "bad options, nothing was loaded: " + e.getMessage());
        }
        File jar = ownJar();
        if (jar.getAbsolutePath().length() + 1 + options.length() > MAX_ATTACH_ARGUMENT) {
            throw new CliFailure(USAGE, "options too long: the jar path and the options together may have at most "
                    + MAX_ATTACH_ARGUMENT + " characters (use config=FILE for many options)");
        }
        AttachApi api = AttachApi.locate();
        TargetProcess.check(pid);
        Properties before = api.systemProperties(pid);
        String running = before.getProperty(AgentRuntime.URL_PROPERTY);
        if (running != null) {
            if (!options.isEmpty()) {
                err.println(PREFIX + "the agent already runs in pid " + pid + "; the options given were not applied"
                        + " (stop it first to change them)");
            }
            awaitLive(pid, running);
            out.println(running);
            return OK;
        }
        noteDynamicLoadingWarning(pid, before);
        api.loadAgent(pid, jar, options.isEmpty() ? null : options);
        Properties after = api.systemProperties(pid);
        String url = after.getProperty(AgentRuntime.URL_PROPERTY);
        if (url == null) {
            String error = after.getProperty(AgentRuntime.ERROR_PROPERTY);
            throw new CliFailure(AGENT_FAILED, "the agent did not start in pid " + pid + ": "
                    + (error == null ? "it published neither " + AgentRuntime.URL_PROPERTY + " nor " + AgentRuntime.ERROR_PROPERTY
                    + " (see that JVM's stderr)" : error));
        }
        awaitLive(pid, url);
        out.println(url);
        return OK;
    }

    private int status(long pid) throws CliFailure {
        AttachApi api = AttachApi.locate();
        TargetProcess.check(pid);
        Properties properties = api.systemProperties(pid);
        String url = properties.getProperty(AgentRuntime.URL_PROPERTY);
        if (url != null) {
            out.println(url);
            return OK;
        }
        String error = properties.getProperty(AgentRuntime.ERROR_PROPERTY);
        err.println(PREFIX + "the agent does not run in pid " + pid + (error == null ? "" : "; its last start failed: " + error));
        return NOT_RUNNING;
    }

    private int stop(long pid) throws CliFailure {
        File jar = ownJar();
        AttachApi api = AttachApi.locate();
        TargetProcess.check(pid);
        String url = api.systemProperties(pid).getProperty(AgentRuntime.URL_PROPERTY);
        if (url == null) {
            err.println(PREFIX + "the agent does not run in pid " + pid + "; nothing to stop");
            return OK;
        }
        api.loadAgent(pid, jar, AgentRuntime.STOP_ARGUMENT);
        String still = api.systemProperties(pid).getProperty(AgentRuntime.URL_PROPERTY);
        if (still != null) {
            throw new CliFailure(AGENT_FAILED, "the agent in pid " + pid + " did not stop: it still publishes " + still
                    + " (see that JVM's stderr)");
        }
        out.println("stopped " + url);
        return OK;
    }

    private int list() throws CliFailure {
        AttachApi api = AttachApi.locate();
        long self = TargetProcess.ownPid();
        List<AttachApi.Jvm> jvms = new ArrayList<>();
        for (AttachApi.Jvm jvm : api.list()) {
            if (!jvm.pid.equals(Long.toString(self))) {
                jvms.add(jvm);
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(8, jvms.size())), task -> {
            Thread t = new Thread(task, "jvm-health-cli-list");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<String>> urls = new ArrayList<>();
            for (AttachApi.Jvm jvm : jvms) {
                urls.add(pool.submit(agentUrl(api, jvm.pid)));
            }
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LIST_DEADLINE_MILLIS);
            int width = 10;
            for (AttachApi.Jvm jvm : jvms) {
                width = Math.max(width, mainClass(jvm.command).length());
            }
            for (int i = 0; i < jvms.size(); i++) {
                AttachApi.Jvm jvm = jvms.get(i);
                String url;
                try {
                    url = urls.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (Exception e) {
                    Throwable cause = AttachApi.cause(e);
                    url = "?";
                    err.println(PREFIX + "pid " + jvm.pid + ": " + (cause instanceof CliFailure ? cause.getMessage()
                            : cause instanceof java.util.concurrent.TimeoutException ? "no answer within " + LIST_DEADLINE_MILLIS / 1000 + " s"
                            : AgentLog.describe(cause)));
                }
                out.println(String.format("%-8s %-" + width + "s %s", jvm.pid, mainClass(jvm.command), url));
            }
        } finally {
            pool.shutdownNow();
        }
        return OK;
    }

    private static Callable<String> agentUrl(AttachApi api, String pid) {
        return () -> {
            long id = Long.parseLong(pid);
            TargetProcess.check(id);
            String url = api.systemProperties(id).getProperty(AgentRuntime.URL_PROPERTY);
            return url == null ? "-" : url;
        };
    }

    /** The main class or jar: the first word of the command the JVM was started with. */
    static String mainClass(String command) {
        String trimmed = command == null ? "" : command.trim();
        if (trimmed.isEmpty()) {
            return "-";
        }
        int space = trimmed.indexOf(' ');
        return space < 0 ? trimmed : trimmed.substring(0, space);
    }

    /** JEP 451: Java 21 and later print a warning on the target's stderr when an agent is loaded into it while it runs. */
    private void noteDynamicLoadingWarning(long pid, Properties target) {
        String version = target.getProperty("java.specification.version", "");
        int feature;
        try {
            feature = Integer.parseInt(version.startsWith("1.") ? version.substring(2) : version);
        } catch (NumberFormatException e) {
            return;
        }
        if (feature >= 21 && TargetProcess.flag(pid, "EnableDynamicAgentLoading") == null) {
            err.println(PREFIX + "note: pid " + pid + " runs Java " + version + ", which prints \"WARNING: A Java agent has been"
                    + " loaded dynamically\" on its stderr (JEP 451); start it with -XX:+EnableDynamicAgentLoading to allow this silently");
        }
    }

    private void awaitLive(long pid, String url) throws CliFailure {
        LiveProbe.Result result = LiveProbe.await(url, LIVE_DEADLINE_MILLIS);
        if (result.status < 0) {
            throw new CliFailure(AGENT_FAILED, "the agent runs in pid " + pid + " at " + url + " but /live did not answer within "
                    + LIVE_DEADLINE_MILLIS / 1000 + " s (" + result.failure + ")");
        }
        if (result.status != 200) {
            err.println(PREFIX + "note: " + url + "live answers " + result.status + " (the JVM is not live: see " + url + "health)");
        }
    }

    private static File ownJar() throws CliFailure {
        File jar = Launch.ownJar();
        if (jar == null) {
            throw new CliFailure(FAILED, "cannot find the agent jar this command runs from: run it as java -jar jvm-health-agent.jar");
        }
        return jar.getAbsoluteFile();
    }

    static String usage() {
        String nl = System.lineSeparator();
        return "Usage: java -jar jvm-health-agent.jar COMMAND" + nl
                + nl
                + "Commands:" + nl
                + "  list                   JVMs this user can attach to: pid, main class or jar, agent URL (- where it does not run)" + nl
                + "  attach PID [OPTIONS]   load the agent into JVM PID, wait until its /live answers, print its URL;" + nl
                + "                         where it already runs, print the running agent's URL" + nl
                + "  status PID             print the agent's URL in JVM PID" + nl
                + "  stop PID               stop the agent in JVM PID: close its port, end its threads" + nl
                + "  --help                 this text" + nl
                + nl
                + "OPTIONS: key=value pairs separated by commas, e.g. port=0,interval=2s,heap.degraded=0.8" + nl
                + "  keys: " + String.join(", ", Catalog.options().keys()) + nl
                + nl
                + "Exit codes: 0 done (stop: also when nothing ran); 1 cannot attach (no such pid, not a JVM, refused," + nl
                + "  no attach API in this Java); 2 usage or bad options; 3 status: the agent does not run there;" + nl
                + "  4 the agent failed inside the JVM (its reason is printed)" + nl
                + nl
                + "Run it as the user that runs the JVM, with a JDK's java (the attach API is in module jdk.attach)." + nl;
    }
}
