package io.jvmhealth.agent.it.lm;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.util.logging.LogManager;

/**
 * A host that, like WildFly, installs its own LogManager ({@code -Djava.util.logging.manager}) whose
 * class only a class loader made in main can load: on the line {@code go} it makes that loader the
 * context class loader, initializes java.util.logging and prints which LogManager is in force, then
 * builds the platform MBeanServer (as the application's own JMX use would). With the argument
 * {@code jmx-first} it touches the platform MBeanServer before that (what an agent must not do).
 * Usage: {@code LogManagerHost DIR_OF_LOGMANAGER [jmx-first]}; {@code exit} ends it.
 */
public final class LogManagerHost {
    public static void main(String[] args) throws Exception {
        System.out.println("host started");
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.equals("go")) {
                if (args.length > 1 && args[1].equals("jmx-first")) {
                    ManagementFactory.getPlatformMBeanServer();
                }
                URLClassLoader loader = new URLClassLoader(new URL[] {new File(args[0]).toURI().toURL()},
                        LogManagerHost.class.getClassLoader());
                Thread.currentThread().setContextClassLoader(loader);
                System.out.println("log manager: " + LogManager.getLogManager().getClass().getName());
                ManagementFactory.getPlatformMBeanServer();
                System.out.println("ok go");
                System.out.flush();
            } else if (line.equals("exit")) {
                return;
            }
        }
    }
}
