package io.cxone.kafka.source.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.apache.kafka.common.config.ConfigException;

/**
 * Where the events' Avro schema comes from: {@value WebhookConfig#SCHEMA_INLINE}, {@value WebhookConfig#SCHEMA_FILE},
 * the registry's Confluent-compatible API ({@code GET {url}/subjects/{subject}/versions/{version}}), or else the
 * built-in CXone DataActionEvent schema. Failures are {@link ConfigException}s naming the setting.
 */
public final class EventSchemaSource {

    private static final ObjectMapper JSON = new ObjectMapper();

    private EventSchemaSource() {}

    public static Schema load(WebhookConfig config) {
        if (!config.schemaInline().isBlank()) {
            return parse(config.schemaInline(), WebhookConfig.SCHEMA_INLINE, "(inline)");
        }
        if (!config.schemaFile().isBlank()) {
            Path file = Path.of(config.schemaFile());
            try {
                return parse(Files.readString(file), WebhookConfig.SCHEMA_FILE, config.schemaFile());
            } catch (IOException e) {
                throw new ConfigException(WebhookConfig.SCHEMA_FILE, config.schemaFile(), "cannot be read: " + e);
            }
        }
        if (!config.schemaRegistrySubject().isBlank()) {
            return fromRegistry(
                    config.schemaRegistryUrl(),
                    config.schemaRegistrySubject(),
                    config.schemaRegistryVersion().trim());
        }
        return builtIn();
    }

    /** The CXone DataActionEvent schema of the seed design. */
    public static Schema builtIn() {
        try (InputStream in = EventSchemaSource.class.getResourceAsStream("DataActionEvent.avsc")) {
            return new Schema.Parser().parse(in);
        } catch (IOException e) {
            throw new IllegalStateException("built-in DataActionEvent.avsc is missing", e);
        }
    }

    static Schema fromRegistry(String baseUrl, String subject, String version) {
        if (baseUrl.isBlank()) {
            throw new ConfigException(
                    WebhookConfig.SCHEMA_REGISTRY_URL,
                    baseUrl,
                    "is required with " + WebhookConfig.SCHEMA_REGISTRY_SUBJECT);
        }
        String url = baseUrl.replaceAll("/+$", "") + "/subjects/" + URLEncoder.encode(subject, StandardCharsets.UTF_8)
                + "/versions/" + URLEncoder.encode(version, StandardCharsets.UTF_8);
        HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        try {
            HttpResponse<String> response = client.send(
                    HttpRequest.newBuilder(URI.create(url))
                            .timeout(Duration.ofSeconds(10))
                            .header("Accept", "application/json")
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new ConfigException(
                        WebhookConfig.SCHEMA_REGISTRY_SUBJECT,
                        subject,
                        "GET " + url + " answered " + response.statusCode());
            }
            JsonNode body = JSON.readTree(response.body());
            JsonNode schema = body.get("schema");
            if (schema == null || !schema.isTextual()) {
                throw new ConfigException(
                        WebhookConfig.SCHEMA_REGISTRY_SUBJECT, subject, "GET " + url + " returned no schema");
            }
            return parse(schema.textValue(), WebhookConfig.SCHEMA_REGISTRY_SUBJECT, subject + "/" + version);
        } catch (IOException e) {
            throw new ConfigException(WebhookConfig.SCHEMA_REGISTRY_URL, baseUrl, "GET " + url + " failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConfigException(WebhookConfig.SCHEMA_REGISTRY_URL, baseUrl, "interrupted");
        } catch (IllegalArgumentException e) {
            throw new ConfigException(
                    WebhookConfig.SCHEMA_REGISTRY_URL, baseUrl, "is not a valid URL: " + e.getMessage());
        }
    }

    private static Schema parse(String text, String key, String where) {
        try {
            Schema schema = new Schema.Parser().parse(text);
            if (schema.getType() != Schema.Type.RECORD) {
                throw new ConfigException(key, where, "the schema must be an Avro record, not " + schema.getType());
            }
            return schema;
        } catch (SchemaParseException e) {
            throw new ConfigException(key, where, "is not a valid Avro schema: " + e.getMessage());
        }
    }
}
