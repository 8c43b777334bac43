package io.cxone.kafka.bridge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Resolves the schema id of the Confluent wire format to an Avro schema, caching by id (ids are immutable).
 * Against an Apicurio native URL ({@code .../apis/registry/v2}) it reads {@code /ids/contentIds/{id}} (or
 * {@code globalIds}); against any other URL it speaks the Confluent-compatible {@code /schemas/ids/{id}}.
 * Failures are remembered for a short while so a missing schema does not cost one request per record.
 */
public final class SchemaRegistryClient {

    private static final Logger LOG = LoggerFactory.getLogger(SchemaRegistryClient.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long FAILURE_TTL_NANOS = Duration.ofSeconds(10).toNanos();

    private final String baseUrl;
    private final boolean apicurioNative;
    private final BridgeConfig.SchemaIdType idType;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<Integer, Schema> schemas = new ConcurrentHashMap<>();
    private final Map<Integer, Failure> failures = new ConcurrentHashMap<>();

    private record Failure(String message, long at) {
    }

    public SchemaRegistryClient(String baseUrl, BridgeConfig.SchemaIdType idType) {
        this.baseUrl = baseUrl;
        this.apicurioNative = baseUrl.contains("/apis/registry/v2");
        this.idType = idType;
    }

    /** The schema for an id; throws {@link SchemaLookupException} with a readable reason when it cannot be had. */
    public Schema schema(int id) {
        Schema cached = schemas.get(id);
        if (cached != null) {
            return cached;
        }
        Failure failure = failures.get(id);
        if (failure != null && System.nanoTime() - failure.at() < FAILURE_TTL_NANOS) {
            throw new SchemaLookupException(failure.message());
        }
        try {
            Schema schema = fetch(id);
            schemas.put(id, schema);
            failures.remove(id);
            LOG.info("schema id={} resolved: {}", id, schema.getFullName());
            return schema;
        } catch (IOException | RuntimeException e) {
            String message = "schema id " + id + " not resolvable: " + e.getMessage();
            failures.put(id, new Failure(message, System.nanoTime()));
            LOG.warn(message);
            throw new SchemaLookupException(message);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaLookupException("interrupted while fetching schema id " + id);
        }
    }

    private Schema fetch(int id) throws IOException, InterruptedException {
        String url = apicurioNative
                ? baseUrl + (idType == BridgeConfig.SchemaIdType.CONTENT_ID ? "/ids/contentIds/" : "/ids/globalIds/") + id
                : baseUrl + "/schemas/ids/" + id;
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + url + " answered " + response.statusCode());
        }
        String text = response.body();
        if (!apicurioNative) {
            JsonNode body = JSON.readTree(text);
            text = body.path("schema").asText();
        }
        return new Schema.Parser().parse(text);
    }

    /** A schema id that could not be resolved (unknown id, registry down, not Avro). */
    public static final class SchemaLookupException extends RuntimeException {
        public SchemaLookupException(String message) {
            super(message);
        }
    }
}
