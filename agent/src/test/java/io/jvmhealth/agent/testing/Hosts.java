package io.jvmhealth.agent.testing;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;

/** The integration tests' waits on a host and its agent, each written once. */
public final class Hosts {
    /** How long a host may take to print its start line, and the agent its own. */
    private static final Duration START = Duration.ofSeconds(20);

    private Hosts() {
    }

    /**
     * Starts a host without the agent (the operator's case: the tool attaches later) and returns it once it has
     * started: its {@code sample-target started} line on stdout, then the {@code ok} line of each command given on
     * its command line (one word each, e.g. {@code "work"}). Kills it when it does not start in time.
     */
    public static TargetJvm startHostWithoutAgent(TargetJvm.Builder builder, String... commands) throws IOException {
        if (builder.hasAgent()) {
            throw new IllegalArgumentException("a host without the agent: the builder loads it");
        }
        TargetJvm target = builder.commands(commands).start();
        try {
            Poll.until("the target to start", START, target::stdoutLines, l -> l.contains("sample-target started"));
            for (String command : commands) {
                Poll.until("the target to start", START, target::stdoutLines, l -> l.contains("ok " + command));
            }
            return target;
        } catch (RuntimeException | Error e) {
            target.close();
            throw e;
        }
    }

    /** The agent's URL, once it has written its start line and {@code /started} answers 200. */
    public static String started(TargetJvm target) {
        String url = target.agentUrl(START);
        Poll.until("/started to answer 200", Duration.ofSeconds(15), () -> Http.get(url, "/started"), r -> r.status == 200);
        return url;
    }

    /** Polls {@code /health} until the check has this status; returns the check's object in that body (status, reason, details). */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> awaitCheck(String url, String check, String status, Duration timeout) {
        Map<String, Object> body = Poll.until("check " + check + " " + status, timeout, () -> Http.get(url, "/health").json(),
                b -> status.equals(Json.at(b, "checks", check, "status")));
        return (Map<String, Object>) Json.at(body, "checks", check);
    }
}
