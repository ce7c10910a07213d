package io.jvmhealth.hosts.apps;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * What every application host shares: its options ({@code --name=value}), the lines it prints on stdout and the
 * commands it reads on stdin, one per line:
 * <ul>
 *   <li>{@code stop}: the application stops serving (its own stop or shutdown method) while the JVM lives on;
 *       {@code ok stop} is printed once that method returned;</li>
 *   <li>{@code exit N}: {@code System.exit(N)};</li>
 *   <li>any command the host adds (e.g. Kafka Streams' {@code fail}), answered with {@code ok <command>}.</li>
 * </ul>
 * It prints {@code serving <port>} once the application serves (the framework's own signal that its server
 * listens), and {@code error <text>} for a command that failed. At EOF on stdin the host keeps running, like
 * sample-target. The main thread is parked for ever once the host started, so the JVM lives until {@code exit}
 * or a kill.
 */
final class Host {
    private final Map<String, String> options = new LinkedHashMap<>();
    private final Map<String, Command> commands = new LinkedHashMap<>();
    private final String name;

    /** A command's action; may throw (the host prints {@code error ...} and goes on). */
    interface Command {
        void run(String argument) throws Exception;
    }

    Host(String name, String[] args) {
        this.name = name;
        for (String a : args) {
            if (!a.startsWith("--") || a.indexOf('=') < 0) {
                throw new IllegalArgumentException(name + ": expected --name=value, got '" + a + "'");
            }
            options.put(a.substring(2, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
        }
    }

    String option(String key, String fallback) {
        return options.getOrDefault(key, fallback);
    }

    String required(String key) {
        String v = options.get(key);
        if (v == null) {
            throw new IllegalArgumentException(name + ": --" + key + "=... is required");
        }
        return v;
    }

    int port() {
        return Integer.parseInt(required("port"));
    }

    long delayMillis() {
        return Long.parseLong(option("delay-ms", "0"));
    }

    /** Sleeps the start-up delay (the hosts call it where their framework would spend its start-up time). */
    void delay() {
        long ms = delayMillis();
        if (ms > 0) {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    Host on(String command, Command action) {
        commands.put(command, action);
        return this;
    }

    /** Starts reading commands on stdin (a daemon thread); call before the application starts. */
    Host readCommands() {
        Thread reader = new Thread(this::readLoop, name + "-commands");
        reader.setDaemon(true);
        reader.start();
        return this;
    }

    static void print(String line) {
        synchronized (System.out) {
            System.out.println(line);
            System.out.flush();
        }
    }

    void serving(Object what) {
        print("serving " + what);
    }

    /** Parks the calling thread for ever: the JVM lives on after {@code stop}. */
    static void parkForever() throws InterruptedException {
        new CountDownLatch(1).await();
    }

    private void readLoop() {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        try {
            while ((line = in.readLine()) != null) {
                line = line.trim();
                if (line.isEmpty()) {
                    continue;
                }
                String word = line.indexOf(' ') < 0 ? line : line.substring(0, line.indexOf(' '));
                String argument = line.indexOf(' ') < 0 ? "" : line.substring(line.indexOf(' ') + 1).trim();
                if (word.equals("exit")) {
                    System.out.flush();
                    System.exit(argument.isEmpty() ? 0 : Integer.parseInt(argument));
                }
                Command c = commands.get(word);
                if (c == null) {
                    print("error unknown command '" + line + "' (known: exit N, " + String.join(", ", commands.keySet()) + ")");
                    continue;
                }
                try {
                    c.run(argument);
                    print("ok " + line);
                } catch (Exception e) {
                    print("error " + line + ": " + e);
                }
            }
        } catch (IOException | RuntimeException e) {
            // no usable stdin: keep running, like EOF
        }
    }
}
