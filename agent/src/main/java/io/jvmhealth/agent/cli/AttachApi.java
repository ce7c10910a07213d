package io.jvmhealth.agent.cli;

import io.jvmhealth.agent.base.AgentLog;

import net.bytebuddy.agent.ByteBuddyAgent;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The JDK's attach API, as located by byte-buddy-agent.
 *
 * <p>Loading the agent goes through {@link ByteBuddyAgent#attach(File, String, String)}. Reading a
 * JVM's system properties and listing JVMs use the same {@code VirtualMachine} class that
 * byte-buddy-agent found ({@code com.sun.tools.attach.VirtualMachine} from the jdk.attach module, or
 * tools.jar on Java 8), called reflectively: byte-buddy-agent's own {@code VirtualMachine.ForHotSpot}
 * needs JNA, which the agent does not ship. Neither reading nor listing loads anything into a JVM.
 *
 * <p>Every call runs with a deadline (a JVM that is suspended never answers) and every failure
 * becomes a {@link CliFailure} whose message names the pid and the reason.
 */
final class AttachApi {
    static final long DEADLINE_SECONDS = 30;

    private final ByteBuddyAgent.AttachmentProvider provider;
    private final Class<?> vmType;
    private final Class<?> descriptorType;

    private AttachApi(ByteBuddyAgent.AttachmentProvider provider, Class<?> vmType, Class<?> descriptorType) {
        this.provider = provider;
        this.vmType = vmType;
        this.descriptorType = descriptorType;
    }

    /** Finds the attach API in this JVM, or fails saying how to run the command instead. */
    static AttachApi locate() throws CliFailure {
        ByteBuddyAgent.AttachmentProvider provider = ByteBuddyAgent.AttachmentProvider.DEFAULT;
        ByteBuddyAgent.AttachmentProvider.Accessor accessor;
        try {
            accessor = provider.attempt();
        } catch (RuntimeException | LinkageError e) {
            accessor = null;
        }
        if (accessor == null || !accessor.isAvailable()) {
            throw new CliFailure(Cli.FAILED, "this Java runtime (" + System.getProperty("java.home") + ", Java "
                    + System.getProperty("java.version") + ") has no attach API (module jdk.attach); run the command with"
                    + " the java of a full JDK, e.g. the JDK the application runs on");
        }
        Class<?> vmType = accessor.getVirtualMachineType();
        try {
            Class<?> descriptor = Class.forName(vmType.getName() + "Descriptor", false, vmType.getClassLoader());
            return new AttachApi(provider, vmType, descriptor);
        } catch (ClassNotFoundException e) {
            throw new CliFailure(Cli.FAILED, "the attach API of this Java runtime lacks " + vmType.getName() + "Descriptor");
        }
    }

    /** A JVM found by {@link #list()}: its pid and the command it was started with. */
    static final class Jvm {
        final String pid;
        final String command;

        Jvm(String pid, String command) {
            this.pid = pid;
            this.command = command;
        }
    }

    /** The JVMs this user can attach to, from their perf data; nothing is sent to them. */
    List<Jvm> list() throws CliFailure {
        List<?> descriptors = (List<?>) call("listing JVMs", () -> vmType.getMethod("list").invoke(null));
        Method id = method(descriptorType, "id");
        Method displayName = method(descriptorType, "displayName");
        List<Jvm> result = new ArrayList<>();
        for (Object d : descriptors) {
            try {
                result.add(new Jvm((String) id.invoke(d), String.valueOf(displayName.invoke(d))));
            } catch (ReflectiveOperationException e) {
                throw new CliFailure(Cli.FAILED, "cannot read the JVM list: " + AgentLog.describe(cause(e)));
            }
        }
        return result;
    }

    /** The target's system properties, read through the attach API. */
    Properties systemProperties(long pid) throws CliFailure {
        return (Properties) call("pid " + pid, () -> {
            Object vm = vmType.getMethod("attach", String.class).invoke(null, Long.toString(pid));
            try {
                return vmType.getMethod("getSystemProperties").invoke(vm);
            } finally {
                try {
                    vmType.getMethod("detach").invoke(vm);
                } catch (ReflectiveOperationException ignored) {
                    // the connection is closed per request anyway
                }
            }
        });
    }

    /** Loads {@code jar} as an agent into {@code pid} with {@code args}; returns when its agentmain has returned. */
    void loadAgent(long pid, File jar, String args) throws CliFailure {
        call("pid " + pid, () -> {
            ByteBuddyAgent.attach(jar, Long.toString(pid), args, provider);
            return null;
        });
    }

    private Object call(String what, Callable<Object> action) throws CliFailure {
        FutureTask<Object> task = new FutureTask<>(action);
        Thread thread = new Thread(task, "jvm-health-cli-attach");
        thread.setDaemon(true);
        thread.start();
        try {
            return task.get(DEADLINE_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new CliFailure(Cli.FAILED, what + " did not answer the attach request within " + DEADLINE_SECONDS
                    + " s (is the process suspended or overloaded?)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliFailure(Cli.FAILED, "interrupted while attaching to " + what);
        } catch (ExecutionException e) {
            throw translate(what, cause(e));
        }
    }

    /** Turns what the attach API threw into one line. */
    static CliFailure translate(String what, Throwable e) {
        String type = e.getClass().getSimpleName();
        String message = e.getMessage() == null ? "" : e.getMessage().replace('\n', ' ').trim();
        if (type.equals("AttachNotSupportedException")) {
            if (message.contains("does not support the attach mechanism")) {
                return new CliFailure(Cli.FAILED, what + " refuses attach: the JVM does not support the attach mechanism"
                        + " (started with -XX:+DisableAttachMechanism?)");
            }
            if (message.contains("Permission denied") || message.contains("owned by") || message.contains("not owned")) {
                return new CliFailure(Cli.FAILED, what + " refuses attach: " + message + " (run the command as the user that runs the JVM)");
            }
            return new CliFailure(Cli.FAILED, what + " refuses attach: " + message);
        }
        if (type.equals("AgentLoadException") || type.equals("AgentInitializationException")) {
            if (message.contains("EnableDynamicAgentLoading") || message.toLowerCase(java.util.Locale.ROOT).contains("dynamic agent loading")) {
                return new CliFailure(Cli.AGENT_FAILED, what + " does not allow agents to be loaded into it while it runs ("
                        + message + "): load the agent at its next start with -javaagent or JAVA_TOOL_OPTIONS");
            }
            return new CliFailure(Cli.AGENT_FAILED, what + " could not load the agent: " + type + (message.isEmpty() ? "" : ": " + message));
        }
        if (message.contains("Operation not permitted") || message.contains("Permission denied")) {
            return new CliFailure(Cli.FAILED, "attaching to " + what + " failed: " + AgentLog.describe(e)
                    + " (run the command as the user that runs the JVM)");
        }
        return new CliFailure(Cli.FAILED, "attaching to " + what + " failed: " + AgentLog.describe(e));
    }

    /** The innermost cause that says something: unwraps reflection and byte-buddy-agent's IllegalStateException. */
    static Throwable cause(Throwable e) {
        Throwable current = e;
        for (int i = 0; i < 10; i++) {
            Throwable next = null;
            if (current instanceof ExecutionException || current instanceof InvocationTargetException) {
                next = current.getCause();
            } else if (current instanceof IllegalStateException && current.getCause() != null) {
                next = current.getCause();
            }
            if (next == null) {
                return current;
            }
            current = next;
        }
        return current;
    }

    private static Method method(Class<?> type, String name) throws CliFailure {
        try {
            return type.getMethod(name);
        } catch (NoSuchMethodException e) {
            throw new CliFailure(Cli.FAILED, "the attach API of this Java runtime lacks " + type.getName() + "." + name + "()");
        }
    }
}
