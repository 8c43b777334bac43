package io.cxone.kafka.bridge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.avro.Schema;
import org.apache.kafka.common.config.ConfigException;
import org.eclipse.jetty.client.CompletableResponseListener;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves the schema id of the Confluent wire format to an Avro schema, caching by id (ids are immutable).
 * Against an Apicurio native URL ({@code .../apis/registry/v2}) it reads {@code /ids/contentIds/{id}} (or
 * {@code globalIds}); against any other URL it speaks the Confluent-compatible {@code /schemas/ids/{id}}.
 * Failures are remembered for a short while so a missing schema does not cost one request per record.
 *
 * <p>A look-up rather than Apicurio's deserializer: it speaks both APIs the bridge accepts and leaves decoding
 * to the partition feed, which decodes each record once for all its clients. Jetty's HTTP client does the
 * transport: basic auth ({@code schema.registry.auth.*}), a TLS truststore ({@code schema.registry.ssl.truststore.*}),
 * a total timeout per request and a bounded response body, so whatever answers at the registry URL cannot hold
 * a feed thread or fill the heap.
 */
public final class SchemaRegistryClient implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SchemaRegistryClient.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long FAILURE_TTL_NANOS = Duration.ofSeconds(10).toNanos();
    /** Ids come from records, which anyone who can produce writes: remembered failures are bounded. */
    private static final int MAX_REMEMBERED_FAILURES = 10_000;

    private final String baseUrl;
    private final boolean apicurioNative;
    private final BridgeConfig.SchemaIdType idType;
    private final HttpClient http;
    private final String authorization;
    private final Duration timeout;
    private final int maxResponseBytes;
    private final Map<Integer, Schema> schemas = new ConcurrentHashMap<>();
    private final Map<Integer, Failure> failures = new ConcurrentHashMap<>();

    private record Failure(String message, long at) {}

    /** Starts the HTTP client; a truststore that cannot be loaded fails here, naming its setting. */
    public SchemaRegistryClient(BridgeConfig config) {
        this.baseUrl = config.schemaRegistryUrl();
        this.apicurioNative = baseUrl.contains("/apis/registry/v2");
        this.idType = config.schemaIdType();
        this.timeout = config.registryTimeout();
        this.maxResponseBytes = config.registryResponseMaxBytes();
        this.authorization = config.registryUsername().isEmpty()
                ? null
                : "Basic "
                        + Base64.getEncoder()
                                .encodeToString((config.registryUsername() + ":" + config.registryPassword())
                                        .getBytes(StandardCharsets.UTF_8));
        SslContextFactory.Client ssl = new SslContextFactory.Client();
        if (config.registryTruststorePath() != null) {
            ssl.setTrustStorePath(config.registryTruststorePath().toString());
            ssl.setTrustStorePassword(config.registryTruststorePassword());
            ssl.setTrustStoreType(config.registryTruststoreType());
        }
        ClientConnector connector = new ClientConnector();
        connector.setSslContextFactory(ssl);
        connector.setConnectTimeout(timeout);
        this.http = new HttpClient(new HttpClientTransportOverHTTP(connector));
        http.setFollowRedirects(false);
        http.setName("bridge-schema-registry");
        try {
            http.start();
        } catch (Exception e) {
            throw new ConfigException(
                    BridgeConfig.SCHEMA_REGISTRY_TRUSTSTORE_PATH,
                    String.valueOf(config.registryTruststorePath()),
                    "cannot start the registry client (check " + BridgeConfig.SCHEMA_REGISTRY_TRUSTSTORE_PASSWORD
                            + " and " + BridgeConfig.SCHEMA_REGISTRY_TRUSTSTORE_TYPE + "): " + e.getMessage());
        }
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
            if (failures.size() >= MAX_REMEMBERED_FAILURES) {
                failures.clear();
            }
            failures.put(id, new Failure(message, System.nanoTime()));
            LOG.warn(message);
            throw new SchemaLookupException(message);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaLookupException("interrupted while fetching schema id " + id);
        }
    }

    /** The look-up of one id: its URL, the total timeout and, when configured, basic auth. */
    Request request(int id) {
        String url = apicurioNative
                ? baseUrl
                        + (idType == BridgeConfig.SchemaIdType.CONTENT_ID ? "/ids/contentIds/" : "/ids/globalIds/")
                        + id
                : baseUrl + "/schemas/ids/" + id;
        Request request = http.newRequest(url).timeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (authorization != null) {
            request.headers(h -> h.put(HttpHeader.AUTHORIZATION, authorization));
        }
        return request;
    }

    private Schema fetch(int id) throws IOException, InterruptedException {
        Request request = request(id);
        ContentResponse response;
        try {
            // Buffers at most maxResponseBytes (a larger Content-Length or body aborts the exchange).
            response = new CompletableResponseListener(request, maxResponseBytes)
                    .send()
                    .get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IllegalArgumentException) {
                throw new IOException("GET " + request.getURI() + ": response larger than " + maxResponseBytes
                        + " bytes (" + BridgeConfig.SCHEMA_REGISTRY_RESPONSE_MAX_BYTES + ")");
            }
            if (cause instanceof TimeoutException) {
                throw new IOException("GET " + request.getURI() + ": no complete answer within " + timeout.toMillis()
                        + " ms (" + BridgeConfig.SCHEMA_REGISTRY_TIMEOUT_MS + ")");
            }
            throw new IOException("GET " + request.getURI() + " failed: " + cause, cause);
        }
        if (response.getStatus() != 200) {
            throw new IOException("GET " + request.getURI() + " answered " + response.getStatus());
        }
        String text = response.getContentAsString();
        if (!apicurioNative) {
            JsonNode body = JSON.readTree(text);
            text = body.path("schema").asText();
        }
        return new Schema.Parser().parse(text);
    }

    @Override
    public void close() {
        try {
            http.stop();
        } catch (Exception e) {
            LOG.warn("schema registry client stop failed: {}", e.toString());
        }
    }

    /** A schema id that could not be resolved (unknown id, registry down, not Avro). */
    public static final class SchemaLookupException extends RuntimeException {
        public SchemaLookupException(String message) {
            super(message);
        }
    }
}
