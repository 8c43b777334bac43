package io.cxone.kafka.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxone.kafka.stack.HttpProbe;
import io.cxone.kafka.stack.ManagedProcess;
import io.cxone.kafka.stack.Ports;
import io.cxone.kafka.stack.Readiness;
import io.cxone.kafka.stack.RegistryService;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stack's registry keeps schemas across a crash: a schema registered just before the process is killed
 * (SIGKILL, no chance to flush or export) still resolves by its id after the next start.
 */
class RegistryStorageIT {

    private static final String SCHEMA =
            "{\"schema\":\"{\\\"type\\\":\\\"record\\\",\\\"name\\\":\\\"Agent\\\",\\\"fields\\\":[{\\\"name\\\":\\\"id\\\",\\\"type\\\":\\\"long\\\"}]}\"}";

    @Test
    void schemaRegisteredBeforeSigkillResolvesAfterRestart(@TempDir Path work) throws Exception {
        int port = Ports.freePort();
        RegistryService registry = new RegistryService(
                TestServices.distributions().registryRunnerJar(),
                work,
                work.resolve("registry.log"),
                port,
                work.resolve("h2"));

        ManagedProcess first = Readiness.startAndAwait(registry);
        String id;
        try {
            HttpResponse<String> registered = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(
                                            URI.create(registry.ccompatUrl() + "/subjects/agents-value/versions"))
                                    .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                                    .POST(HttpRequest.BodyPublishers.ofString(SCHEMA))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(registered.statusCode()).as(registered.body()).isEqualTo(200);
            id = registered.body().replaceAll("\\D", "");
        } finally {
            ProcessHandle.of(first.pid()).ifPresent(ProcessHandle::destroyForcibly);
            ProcessHandle.of(first.pid()).ifPresent(p -> p.onExit().join());
        }

        ManagedProcess second = Readiness.startAndAwait(registry);
        try {
            HttpResponse<String> resolved = HttpProbe.get(registry.ccompatUrl() + "/schemas/ids/" + id);
            assertThat(resolved.statusCode()).as(resolved.body()).isEqualTo(200);
            assertThat(resolved.body()).contains("Agent");
            assertThat(HttpProbe.get(registry.ccompatUrl() + "/subjects").body())
                    .contains("agents-value");
        } finally {
            second.stop(Duration.ofSeconds(20));
        }
    }
}
