package io.jvmhealth.hosts.apps.micronaut;

import io.jvmhealth.hosts.apps.MicronautHost;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.context.event.StartupEvent;
import jakarta.inject.Singleton;

/** Spends the host's start-up delay when the context has started, before Micronaut starts its HTTP server. */
@Singleton
public class SlowStartup implements ApplicationEventListener<StartupEvent> {
    @Override
    public void onApplicationEvent(StartupEvent event) {
        long ms = MicronautHost.delayMillis;
        if (ms > 0) {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
