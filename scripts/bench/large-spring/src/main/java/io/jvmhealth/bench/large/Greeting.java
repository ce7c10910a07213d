package io.jvmhealth.bench.large;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.Id;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** A JPA entity with validation constraints. */
@Entity
public class Greeting {
    @Id
    @GeneratedValue
    private Long id;

    @NotBlank
    @Size(max = 40)
    private String text;

    protected Greeting() {
    }

    public Greeting(String text) {
        this.text = text;
    }

    public Long getId() {
        return id;
    }

    public String getText() {
        return text;
    }
}
