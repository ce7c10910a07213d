package io.jvmhealth.bench.large;

import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * The bench's large application: Spring MVC on embedded Tomcat, Actuator, Data JPA (Hibernate, HikariCP) on an
 * in-memory H2, Security and Bean Validation, as a real service has them. Answers {@code GET /} (open) with the number
 * of greetings stored; {@code /actuator/health} is open too, everything else needs a login. Argument: {@code PORT}.
 */
@SpringBootApplication
public class LargeApp {
    public static void main(String[] args) {
        SpringApplication app = new SpringApplication(LargeApp.class);
        app.setBannerMode(org.springframework.boot.Banner.Mode.OFF);
        app.run("--server.port=" + args[0]);
    }

    /** One row, written at start through JPA (a real service's schema and data are there before it serves). */
    @Bean
    ApplicationRunner seed(GreetingRepository greetings) {
        return args -> greetings.save(new Greeting("ok"));
    }
}
