package io.cxone.kafka.source.export;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The seed "records" API: client_credentials token, {@code POST /api/v2/data-actions/exports} to start an
 * export of a report, then {@code GET .../exports/{id}/records?limit&offset} pages until an empty page.
 * After an export completes, the next one starts once {@code export.interval.ms} has passed.
 */
public final class RecordsChunkReader implements ChunkReader {

    private static final Logger log = LoggerFactory.getLogger(RecordsChunkReader.class);

    private static final ObjectReader ROWS = CxoneHttp.JSON.readerFor(JsonNode.class);

    private final String report;
    private final String baseUrl;
    private final CxoneHttp http;
    private final TokenCache tokens;
    private final Duration exportInterval;
    private final Clock clock;
    private String job;
    private Instant completedAt;
    private long lastReadBytes;
    private boolean lastPageShort;

    public RecordsChunkReader(String report, ExportSourceConfig config, CxoneHttp http, Clock clock) {
        this.report = report;
        this.baseUrl = config.baseUrl();
        this.http = http;
        this.exportInterval = config.exportInterval();
        this.clock = clock;
        this.tokens = new TokenCache(() -> clientCredentialsToken(config), clock);
    }

    private TokenCache.Token clientCredentialsToken(ExportSourceConfig config) {
        JsonNode body = http.json(
                "token request (client_credentials) for report " + report,
                CxoneHttp.postForm(
                        baseUrl + "/api/v2/oauth/token",
                        Map.of(
                                "grant_type",
                                "client_credentials",
                                "client_id",
                                config.clientId(),
                                "client_secret",
                                config.clientSecret().value())),
                null);
        return tokenFrom(body, "token response");
    }

    static TokenCache.Token tokenFrom(JsonNode body, String what) {
        if (!body.path("access_token").isTextual() || !body.path("expires_in").canConvertToLong()) {
            throw new CxoneApiException(0, what + " lacks access_token or expires_in");
        }
        return new TokenCache.Token(
                body.get("access_token").asText(),
                Duration.ofSeconds(body.get("expires_in").asLong()));
    }

    @Override
    public String currentJob() {
        return job;
    }

    @Override
    public boolean resume(ExportOffset committed) {
        job = committed.job();
        return true;
    }

    @Override
    public boolean startNext() {
        if (completedAt != null && clock.instant().isBefore(completedAt.plus(exportInterval))) {
            return false;
        }
        JsonNode created = http.json(
                "export trigger for report " + report,
                CxoneHttp.postJson(
                        baseUrl + "/api/v2/data-actions/exports", Map.of("report_id", report, "format", "json")),
                tokens);
        if (!created.path("id").isTextual() || created.get("id").asText().isBlank()) {
            throw new CxoneApiException(0, "export trigger for report " + report + " returned no job id: " + created);
        }
        job = created.get("id").asText();
        completedAt = null;
        log.info("Started export job {} for report {}", job, report);
        return true;
    }

    @Override
    public void restart() {
        completedAt = null;
        startNext();
    }

    @Override
    public List<JsonNode> read(long from, int limit) {
        String url = CxoneHttp.withQuery(
                baseUrl + "/api/v2/data-actions/exports/" + job + "/records",
                Map.of("limit", Integer.toString(limit), "offset", Long.toString(from)));
        List<JsonNode> rows;
        try {
            rows = http.call(
                    "records page of job " + job + " (report " + report + ") at offset " + from,
                    CxoneHttp.request(url).GET(),
                    tokens,
                    bytes -> {
                        lastReadBytes = bytes.length;
                        return parsePage(bytes, limit);
                    });
        } catch (CxoneApiException e) {
            throw UnknownJobException.classify(job, e);
        }
        lastPageShort = rows.size() < limit;
        if (rows.isEmpty()) {
            completedAt = clock.instant();
            log.info("Export job {} for report {} complete at row {}", job, report, from);
        }
        return rows;
    }

    /**
     * The rows of one page, a JSON array of objects, streamed row by row (no tree of the whole page). Anything
     * else, a truncated body included, is an {@link IOException}: the call is retried.
     */
    static List<JsonNode> parsePage(byte[] bytes, int limit) throws IOException {
        List<JsonNode> out = new ArrayList<>(Math.min(limit, 16_384));
        try (JsonParser parser = ROWS.createParser(bytes)) {
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                throw new IOException("expected a JSON array of records");
            }
            JsonToken token;
            while ((token = parser.nextToken()) == JsonToken.START_OBJECT) {
                out.add(ROWS.readValue(parser));
            }
            if (token != JsonToken.END_ARRAY) {
                throw new IOException(
                        "record " + out.size() + " is not a JSON object"); // a truncated body fails in nextToken()
            }
            if (parser.nextToken() != null) {
                throw new IOException("unexpected content after the JSON array of records");
            }
        }
        if (out.size() > limit) {
            throw new IOException("page holds " + out.size() + " records, more than the limit " + limit);
        }
        return out;
    }

    /** A page shorter than asked for is the job's last; a full last page is followed by an empty one. */
    @Override
    public boolean jobComplete() {
        return lastPageShort;
    }

    @Override
    public JsonNode typed(JsonNode raw) {
        return raw;
    }

    @Override
    public void authenticate() {
        tokens.get();
    }

    @Override
    public long lastReadBytes() {
        return lastReadBytes;
    }
}
