package io.cxone.kafka.common.threads;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class PluginThreadsTest {

    @AfterEach
    void clearContext() {
        MDC.clear();
    }

    @Test
    void threadsAreNamedDaemonsCarryingTheConnectorContextOfTheirCreator() throws Exception {
        MDC.put(PluginThreads.CONNECTOR_CONTEXT, "[cxone-export|task-0] ");
        ThreadFactory factory = PluginThreads.daemon("cxone-export-fetch-%d");
        MDC.clear(); // the context is taken when the factory is made

        CompletableFuture<String> seen = new CompletableFuture<>();
        Thread first = factory.newThread(() -> seen.complete(MDC.get(PluginThreads.CONNECTOR_CONTEXT)));
        Thread second = factory.newThread(() -> {});
        first.start();

        assertThat(seen.get(10, TimeUnit.SECONDS)).isEqualTo("[cxone-export|task-0] ");
        assertThat(first.isDaemon()).isTrue();
        assertThat(first.getName()).isEqualTo("cxone-export-fetch-1");
        assertThat(second.getName()).isEqualTo("cxone-export-fetch-2");
    }

    @Test
    void withoutAContextThreadsRunPlain() throws Exception {
        CompletableFuture<String> seen = new CompletableFuture<>();
        Thread thread = PluginThreads.daemonThread(
                "bridge-feed", () -> seen.complete(String.valueOf(MDC.get(PluginThreads.CONNECTOR_CONTEXT))));
        thread.start();
        assertThat(seen.get(10, TimeUnit.SECONDS)).isEqualTo("null");
        assertThat(thread.getName()).isEqualTo("bridge-feed");
    }
}
