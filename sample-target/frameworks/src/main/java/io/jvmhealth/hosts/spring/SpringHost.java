package io.jvmhealth.hosts.spring;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.stereotype.Component;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A Spring Boot web application (embedded Tomcat, no Actuator) that answers {@code GET /} with
 * {@code ok}. Arguments: {@code PORT DELAY_MS [no-shutdown-hook]}; a bean's constructor sleeps DELAY_MS, so the web
 * server starts (and {@code SpringApplication.run} returns) that much later; {@code no-shutdown-hook} turns Spring
 * Boot's shutdown hook off (its registry of contexts stays empty).
 */
@SpringBootApplication
public class SpringHost {
    static long delayMillis;

    public static void main(String[] args) {
        delayMillis = Long.parseLong(args[1]);
        SpringApplication app = new SpringApplication(SpringHost.class);
        app.setBannerMode(org.springframework.boot.Banner.Mode.OFF);
        app.setLogStartupInfo(false);
        if (args.length > 2 && args[2].equals("no-shutdown-hook")) {
            app.setRegisterShutdownHook(false);
        }
        app.run("--server.port=" + args[0], "--logging.level.root=WARN", "--spring.jmx.enabled=false");
    }

    @RestController
    public static class Hello {
        @GetMapping("/")
        public String hello() {
            return "ok";
        }
    }

    /** Runs once the web server started, just before {@code run} returns: a {@code ready.after} target in the tests. */
    @Component
    public static class Runner implements org.springframework.boot.ApplicationRunner {
        @Override
        public void run(org.springframework.boot.ApplicationArguments args) {
        }
    }

    @Component
    public static class SlowStart {
        public SlowStart() throws InterruptedException {
            Thread.sleep(delayMillis);
        }
    }
}
