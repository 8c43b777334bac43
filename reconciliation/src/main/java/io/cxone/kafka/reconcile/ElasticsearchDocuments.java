package io.cxone.kafka.reconcile;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch._types.query_dsl.FieldAndFormat;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import co.elastic.clients.json.JsonData;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.instrumentation.NoopInstrumentation;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import io.cxone.kafka.sink.elasticsearch.client.ElasticsearchClients;
import io.cxone.kafka.source.export.ChunkPipeline;
import jakarta.json.JsonArray;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import org.apache.http.Header;
import org.apache.http.HttpHost;
import org.apache.http.message.BasicHeader;
import org.elasticsearch.client.RestClient;

/**
 * The documents Elasticsearch holds that carry export headers: read page by page under a point in time (a consistent
 * view while the sink goes on writing) with {@code search_after}, only their id and the three header fields from doc
 * values, never their source.
 */
final class ElasticsearchDocuments implements AutoCloseable {

    /** One document: its window's job id and its chunk. */
    record Document(String job, String chunkOffset, String sha256) {}

    /** What one index (or pattern) holds; {@code exists} false when no such index exists. */
    record IndexDocuments(boolean exists, Map<String, Document> byId) {}

    /** Connection settings, credentials already read from their files. */
    record Settings(String url, String user, String password, String apiKey, Path caFile) {}

    private static final int PAGE = 5000;
    private static final String KEEP_ALIVE = "2m";

    private final RestClient rest;
    private final ElasticsearchClient client;
    private final String url;
    private final Deadline deadline;

    ElasticsearchDocuments(Settings settings, Deadline deadline) {
        this.url = settings.url();
        this.deadline = deadline;
        HttpHost[] hosts;
        try {
            hosts = java.util.Arrays.stream(settings.url().split(","))
                    .map(String::trim)
                    .map(HttpHost::create)
                    .toArray(HttpHost[]::new);
        } catch (IllegalArgumentException e) {
            throw new ReconcileException("--elasticsearch-url " + settings.url() + " is not a URL: " + e.getMessage());
        }
        boolean https = java.util.Arrays.stream(hosts).anyMatch(h -> "https".equals(h.getSchemeName()));
        SSLContext ssl = https ? sslContext(settings.caFile()) : null;
        this.rest = RestClient.builder(hosts)
                .setDefaultHeaders(authHeaders(settings))
                .setRequestConfigCallback(rc ->
                        rc.setConnectTimeout(10_000).setSocketTimeout(60_000).setConnectionRequestTimeout(10_000))
                .setHttpClientConfigCallback(http -> ssl == null ? http : http.setSSLContext(ssl))
                .build();
        // the project leaves OpenTelemetry out of elasticsearch-java (parent pom): no default tracing
        this.client = new ElasticsearchClient(
                new RestClientTransport(rest, new JacksonJsonpMapper(), null, NoopInstrumentation.INSTANCE));
    }

    /** The export documents of {@code index} (a name or pattern), by id; {@code headersField} is the headers object. */
    IndexDocuments read(String index, String headersField, Budget budget) {
        String jobField = headersField + "." + ChunkPipeline.HEADER_JOB_ID;
        String offsetField = headersField + "." + ChunkPipeline.HEADER_CHUNK_OFFSET;
        String shaField = headersField + "." + ChunkPipeline.HEADER_CHUNK_SHA256;
        String doing = "reading index " + index + " from Elasticsearch";
        Map<String, Document> byId = new HashMap<>();
        // Every document of a chunk carries the same job, offset and digest text: one copy of each.
        Map<String, String> canonical = new HashMap<>();
        try {
            deadline.remaining(Duration.ofSeconds(1), doing);
            if (!client.indices().exists(e -> e.index(index)).value()) {
                return new IndexDocuments(false, byId);
            }
            String pit = client.openPointInTime(o -> o.index(index).keepAlive(k -> k.time(KEEP_ALIVE)))
                    .id();
            try {
                List<FieldValue> after = null;
                while (true) {
                    deadline.remaining(Duration.ofSeconds(1), doing);
                    String pitId = pit;
                    List<FieldValue> searchAfter = after;
                    SearchResponse<Void> page = client.search(
                            s -> {
                                s.pit(p -> p.id(pitId).keepAlive(k -> k.time(KEEP_ALIVE)))
                                        .size(PAGE)
                                        .source(src -> src.fetch(false))
                                        .docvalueFields(List.of(
                                                FieldAndFormat.of(f -> f.field(jobField)),
                                                FieldAndFormat.of(f -> f.field(offsetField)),
                                                FieldAndFormat.of(f -> f.field(shaField))))
                                        .query(q -> q.exists(e -> e.field(jobField)))
                                        .sort(o -> o.field(
                                                f -> f.field("_shard_doc").order(SortOrder.Asc)))
                                        .trackTotalHits(t -> t.enabled(false));
                                if (searchAfter != null) {
                                    s.searchAfter(searchAfter);
                                }
                                return s;
                            },
                            Void.class);
                    if (page.pitId() != null) {
                        pit = page.pitId();
                    }
                    List<Hit<Void>> hits = page.hits().hits();
                    for (Hit<Void> hit : hits) {
                        budget.take(doing);
                        byId.put(
                                hit.id(),
                                new Document(
                                        first(hit, jobField, canonical),
                                        first(hit, offsetField, canonical),
                                        first(hit, shaField, canonical)));
                    }
                    if (hits.size() < PAGE) {
                        break;
                    }
                    after = hits.get(hits.size() - 1).sort();
                }
            } finally {
                String pitId = pit;
                try {
                    client.closePointInTime(c -> c.id(pitId));
                } catch (IOException | ElasticsearchException e) {
                    // it expires on its own after KEEP_ALIVE
                }
            }
        } catch (ElasticsearchException e) {
            throw refused(doing, e);
        } catch (IOException e) {
            throw unreachable(doing, e);
        }
        return new IndexDocuments(true, byId);
    }

    private static String first(Hit<Void> hit, String field, Map<String, String> canonical) {
        JsonData data = hit.fields().get(field);
        if (data == null) {
            return null;
        }
        JsonValue value = data.toJson();
        if (value instanceof JsonArray array && !array.isEmpty()) {
            value = array.get(0);
        }
        String text = value instanceof JsonString s ? s.getString() : value.toString();
        return canonical.computeIfAbsent(text, t -> t);
    }

    private ReconcileException refused(String doing, ElasticsearchException e) {
        int status = e.status();
        String why = status == 401
                ? "it refused the credentials (401); check --elasticsearch-user / --elasticsearch-password-file or"
                        + " --elasticsearch-api-key-file"
                : status == 403
                        ? "the credentials lack the read privilege on the index (403)"
                        : "it answered " + status + ": " + e.getMessage();
        return new ReconcileException("Elasticsearch at " + url + " failed while " + doing + ": " + why, e);
    }

    private ReconcileException unreachable(String doing, IOException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SSLException) {
                return new ReconcileException(
                        "TLS to Elasticsearch at " + url + " failed while " + doing + ": " + cause.getMessage()
                                + "; give the CA that signed its certificate with --elasticsearch-ca-file",
                        e);
            }
        }
        return new ReconcileException(
                "Elasticsearch at " + url + " is not reachable (" + e + ") while " + doing
                        + "; check --elasticsearch-url",
                e);
    }

    private static Header[] authHeaders(Settings settings) {
        if (settings.apiKey() != null) {
            return new Header[] {new BasicHeader("Authorization", "ApiKey " + settings.apiKey())};
        }
        if (settings.user() != null) {
            String pair = settings.user() + ":" + (settings.password() == null ? "" : settings.password());
            return new Header[] {
                new BasicHeader(
                        "Authorization",
                        "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)))
            };
        }
        return new Header[0];
    }

    private static SSLContext sslContext(Path caFile) {
        try {
            if (caFile == null) {
                return SSLContext.getDefault();
            }
            if (!Files.isReadable(caFile)) {
                throw new ReconcileException("--elasticsearch-ca-file " + caFile + " cannot be read");
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ElasticsearchClients.trustStore(caFile));
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new ReconcileException("--elasticsearch-ca-file " + caFile + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            rest.close();
        } catch (IOException e) {
            // closing at the end of the run
        }
    }
}
