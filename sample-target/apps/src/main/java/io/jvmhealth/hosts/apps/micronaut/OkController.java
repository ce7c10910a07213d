package io.jvmhealth.hosts.apps.micronaut;

import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;

/** {@code GET /} answers {@code ok} (text/plain). */
@Controller("/")
public class OkController {
    @Get(produces = MediaType.TEXT_PLAIN)
    public String index() {
        return "ok";
    }
}
