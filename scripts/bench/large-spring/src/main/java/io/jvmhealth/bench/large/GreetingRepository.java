package io.jvmhealth.bench.large;

import org.springframework.data.jpa.repository.JpaRepository;

import java.util.List;

/** A Spring Data repository (a derived query as well, so that Spring Data parses one). */
public interface GreetingRepository extends JpaRepository<Greeting, Long> {
    List<Greeting> findByText(String text);
}
