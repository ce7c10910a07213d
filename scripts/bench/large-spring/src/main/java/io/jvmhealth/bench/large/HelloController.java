package io.jvmhealth.bench.large;

import jakarta.validation.constraints.Size;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The one endpoint the bench asks: {@code GET /}, validated, answered from the database. */
@RestController
@Validated
public class HelloController {
    private final GreetingRepository greetings;

    public HelloController(GreetingRepository greetings) {
        this.greetings = greetings;
    }

    @GetMapping("/")
    public String hello(@RequestParam(defaultValue = "ok") @Size(max = 20) String text) {
        return text + " " + greetings.findByText(text).size();
    }
}
