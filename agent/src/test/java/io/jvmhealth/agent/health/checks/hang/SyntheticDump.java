package io.jvmhealth.agent.health.checks.hang;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Builds thread dumps in the JDK 25 JSON shape (as HotSpotDiagnosticMXBean.dumpThreads writes them) for tests. */
final class SyntheticDump {
    private final List<String> threads = new ArrayList<>();
    private final String version;

    SyntheticDump() {
        this("25.0.3+9-LTS");
    }

    SyntheticDump(String version) {
        this.version = version;
    }

    /** A thread BLOCKED on monitor {@code waits} (null: RUNNABLE), holding {@code holds}. */
    SyntheticDump monitor(long tid, String name, boolean virtual, String waits, String... holds) {
        StringBuilder b = head(tid, name, virtual, waits == null ? "RUNNABLE" : "BLOCKED");
        if (waits != null) {
            b.append(",\"blockedOn\":\"").append(waits).append('"');
        }
        stack(b, name);
        owned(b, holds);
        threads.add(b.append('}').toString());
        return this;
    }

    /** A thread parked (WAITING) on {@code blocker}, with {@code owner} written as parkBlocker.owner when >= 0. */
    SyntheticDump parked(long tid, String name, boolean virtual, String blocker, long owner, String... holds) {
        StringBuilder b = head(tid, name, virtual, "WAITING");
        b.append(",\"parkBlocker\":{\"object\":\"").append(blocker).append('"');
        if (owner >= 0) {
            b.append(",\"owner\":\"").append(owner).append('"');
        }
        b.append('}');
        stack(b, name);
        owned(b, holds);
        threads.add(b.append('}').toString());
        return this;
    }

    /** A thread in Object.wait on {@code monitor}, which the JDK also lists among its owned monitors. */
    SyntheticDump waiting(long tid, String name, String monitor) {
        StringBuilder b = head(tid, name, false, "WAITING");
        b.append(",\"waitingOn\":\"").append(monitor).append('"');
        stack(b, name);
        owned(b, monitor);
        threads.add(b.append('}').toString());
        return this;
    }

    /** Any raw thread object. */
    SyntheticDump raw(String threadJson) {
        threads.add(threadJson);
        return this;
    }

    private static StringBuilder head(long tid, String name, boolean virtual, String state) {
        StringBuilder b = new StringBuilder("{\"tid\":\"").append(tid).append("\",\"time\":\"2026-12-06T22:24:56.340430130Z\"");
        if (virtual) {
            b.append(",\"virtual\":true");
        }
        return b.append(",\"name\":\"").append(name).append("\",\"state\":\"").append(state).append('"');
    }

    private static void stack(StringBuilder b, String name) {
        b.append(",\"stack\":[\"app.Work.step(Work.java:1)\",\"app.Work.").append(name.replace("\"", "")).append("(Work.java:2)\"]");
    }

    private static void owned(StringBuilder b, String... holds) {
        if (holds.length == 0) {
            return;
        }
        b.append(",\"monitorsOwned\":[{\"depth\":0,\"locks\":[");
        for (int i = 0; i < holds.length; i++) {
            b.append(i == 0 ? "" : ",").append('"').append(holds[i]).append('"');
        }
        b.append("]}]");
    }

    String json() {
        StringBuilder b = new StringBuilder("{\n  \"threadDump\": {\n    \"processId\": \"1\",\n    \"time\": \"2026-12-06T22:24:56Z\",\n")
                .append("    \"runtimeVersion\": \"").append(version).append("\",\n    \"threadContainers\": [\n")
                .append("      {\"container\": \"<root>\", \"parent\": null, \"owner\": null, \"threads\": [\n");
        for (int i = 0; i < threads.size(); i++) {
            b.append(i == 0 ? "" : ",\n").append(threads.get(i));
        }
        return b.append("], \"threadCount\": ").append(threads.size()).append("}\n    ]\n  }\n}\n").toString();
    }

    byte[] bytes() {
        return json().getBytes(StandardCharsets.UTF_8);
    }
}
