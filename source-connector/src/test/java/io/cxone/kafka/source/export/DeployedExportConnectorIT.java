package io.cxone.kafka.source.export;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cxone.kafka.simulator.CxoneSimulator;
import io.cxone.kafka.simulator.SimulatorOptions;
import io.cxone.kafka.stack.WorkerSecrets;
import io.cxone.kafka.testkit.TestServices;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.Test;

/**
 * connectors/cxone-export-source.json as ./stack deploys it, on a worker with the stack's config providers: the
 * connector authenticates against the CXone simulator with the secret the worker resolves, and Connect's REST API
 * shows no secret, only the reference. Only the service URLs point at the test services, and its {@code ${env:NAME}}
 * references read the same NAME from config/secrets/local-stack.env through the file provider: the embedded worker
 * runs inside this JVM, whose environment a test cannot set (./stack gives the worker process that file as its
 * environment).
 */
class DeployedExportConnectorIT {

    private static final Pattern ENV_REFERENCE = Pattern.compile("\\$\\{env:([A-Za-z0-9_]+)}");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void shippedConnectorAuthenticatesWithTheResolvedSecretAndRestShowsOnlyTheReference() throws Exception {
        Path root = TestServices.checkoutRoot().orElseThrow();
        Path secretsDir = root.resolve("config/secrets");
        Collection<String> secrets = WorkerSecrets.environment(secretsDir).values();
        JsonNode spec = new ObjectMapper()
                .readTree(root.resolve("connectors/cxone-export-source.json").toFile());
        String name = spec.path("name").asText();
        Map<String, String> config = new HashMap<>();
        spec.path("config")
                .fields()
                .forEachRemaining(e -> config.put(e.getKey(), e.getValue().asText()));
        assertThat(config.get(ExportSourceConfig.CLIENT_SECRET))
                .as("the shipped JSON references its secret")
                .matches(ENV_REFERENCE);

        EmbeddedConnectCluster connect = TestServices.connect();
        try (CxoneSimulator simulator =
                CxoneSimulator.start(SimulatorOptions.builder().port(0).build())) {
            config.put(ExportSourceConfig.BASE_URL, simulator.baseUrl());
            config.put(
                    "value.converter.apicurio.registry.url",
                    TestServices.registry().apicurioApiUrl());
            config.replaceAll((key, value) -> fromSecretsFile(value, secretsDir.resolve(WorkerSecrets.ENV_FILE)));

            connect.configureConnector(name, config);
            connect.assertions()
                    .assertConnectorAndExactlyNumTasksAreRunning(name, 2, "shipped export connector running");
            String topic = config.get(ExportSourceConfig.TOPIC);
            assertThat(connect.kafka()
                            .consume(1000, Duration.ofSeconds(90).toMillis(), topic)
                            .count())
                    .as("rows exported with the token the resolved secret fetched")
                    .isGreaterThanOrEqualTo(1000);

            for (String resource : List.of(
                    "connectors/" + name,
                    "connectors/" + name + "/config",
                    "connectors/" + name + "/tasks",
                    "connectors?expand=info")) {
                HttpResponse<String> response = HTTP.send(
                        HttpRequest.newBuilder(URI.create(connect.endpointForResource(resource)))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).as(resource).isEqualTo(200);
                assertThat(response.body()).as("GET /%s", resource).contains("${file:");
                for (String secret : secrets) {
                    assertThat(response.body()).as("GET /%s", resource).doesNotContain(secret);
                }
            }
            connect.deleteConnector(name);
        }
    }

    @Test
    void aUrlCarryingCredentialsIsRefusedThroughTheRestApiWithoutEchoingThem() throws Exception {
        EmbeddedConnectCluster connect = TestServices.connect();
        String secret = "url-secret-4711";
        String name = "export-url-with-credentials";
        Map<String, String> config = new HashMap<>();
        config.put("connector.class", CxoneExportSourceConnector.class.getName());
        config.put("name", name);
        config.put(ExportSourceConfig.BASE_URL, "https://sim-client:" + secret + "@cxone.example.com");
        config.put(ExportSourceConfig.CLIENT_ID, "sim-client");
        config.put(ExportSourceConfig.CLIENT_SECRET, "client-secret");
        config.put(ExportSourceConfig.REPORTS, "r1");
        config.put(ExportSourceConfig.TOPIC, "url-credentials");
        String body = new ObjectMapper().writeValueAsString(config);

        HttpResponse<String> validated =
                put(connect, "connector-plugins/CxoneExportSourceConnector/config/validate", body);
        HttpResponse<String> created = put(connect, "connectors/" + name + "/config", body);

        assertThat(validated.statusCode()).isEqualTo(200);
        assertThat(validated.body()).doesNotContain(secret);
        JsonNode baseUrl = null;
        for (JsonNode field : new ObjectMapper().readTree(validated.body()).path("configs")) {
            if (field.path("value").path("name").asText().equals(ExportSourceConfig.BASE_URL)) {
                baseUrl = field.path("value");
            }
        }
        assertThat(baseUrl).isNotNull();
        assertThat(baseUrl.path("errors").toString())
                .contains("cxone.client.id/cxone.client.secret", "https://***@cxone.example.com");
        assertThat(created.statusCode()).isEqualTo(400);
        assertThat(created.body()).contains("cxone.base.url").doesNotContain(secret);
        assertThat(connect.connectors()).doesNotContain(name);
    }

    private static HttpResponse<String> put(EmbeddedConnectCluster connect, String resource, String json)
            throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(connect.endpointForResource(resource)))
                        .header("Content-Type", "application/json")
                        .PUT(HttpRequest.BodyPublishers.ofString(json))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** {@code ${env:NAME}} becomes {@code ${file:<secrets file>:NAME}}, the same value through the worker's file provider. */
    private static String fromSecretsFile(String value, Path secretsFile) {
        Matcher m = ENV_REFERENCE.matcher(value);
        return m.replaceAll(
                r -> Matcher.quoteReplacement("${file:" + secretsFile.toAbsolutePath() + ":" + r.group(1) + "}"));
    }
}
