package io.cxone.kafka.source.export;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.connect.errors.DataException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Incremental pulls of one Reporting API endpoint (real CXone; {@link CxoneTenant} signs in). A pass reads every row
 * whose date lies in its range and that changed since the previous pass's {@code lastPollTime} minus the overlap
 * (the first pass: since {@code extraction.start.date}, every row), one date range of at most the endpoint's limit at a
 * time (the job), paged with {@code skip}/{@code top} in key order. The next pass starts {@code export.interval.ms}
 * after one completes.
 *
 * <p>CXone's answer moves while it is paged: rows are added and changed between two pages. In key order a row never
 * moves to an earlier position, so paging to the end misses no row that was there when the pass began; a row that
 * slides to the next page is recognised by the key cursor (keys at or below the last one handled are behind the
 * pass), and a version added behind the cursor, being newer than the pass's watermark, is read by the next pass.
 * Versions the previous pass wrote come again in the overlap: those with the same key and {@code lastUpdateTime} are
 * skipped ({@link SeenVersions}). Cursor and seen versions are part of each chunk's checkpoint
 * ({@link ReportingCursor}), so after a restart the same rows are skipped as before it.
 */
public final class ReportingChunkReader implements ChunkReader {

    private static final Logger log = LoggerFactory.getLogger(ReportingChunkReader.class);
    private static final ObjectReader ROWS = CxoneHttp.JSON.readerFor(JsonNode.class);
    /** CXone's largest {@code top}. */
    static final int MAX_TOP = 10_000;
    /** Keys are ids; a longer one is not an id. */
    static final int MAX_KEY_LENGTH = 256;

    private final String source;
    private final ReportingEndpoint endpoint;
    private final ExportSourceConfig config;
    private final CxoneHttp http;
    private final CxoneTenant tenant;
    private final ExportMetrics metrics;
    private final Clock clock;
    private final Map<String, FieldType> declaredTypes;

    private Instant since;
    private Instant passEnd;
    private Instant watermark;
    private Instant completedAt;
    private Instant rangeStart;
    private Instant rangeEnd;
    private String lastKey;
    private boolean exhausted;
    private SeenVersions seen;

    private long pageStart;
    private String chunkFirstKey;
    private String chunkVersions;
    private List<String> chunkSkipped = List.of();
    private long passWritten;
    private long passSkipped;
    private long passBehind;
    /** Remembered versions forgotten in this pass (since its start or the last restart): logged once, then summed. */
    private long passForgotten;

    private long lastReadBytes;

    public ReportingChunkReader(
            String source, ExportSourceConfig config, CxoneHttp http, ExportMetrics metrics, Clock clock) {
        this.source = source;
        this.endpoint = ReportingEndpoint.of(source)
                .orElseThrow(() -> new IllegalArgumentException(
                        "'" + source + "' is not a Reporting API endpoint; known: " + ReportingEndpoint.paths()));
        this.config = config;
        this.http = http;
        this.metrics = metrics;
        this.clock = clock;
        this.tenant = new CxoneTenant(config, http, clock);
        this.seen = new SeenVersions(config.reportingDedupeMaxVersions());
        Map<String, FieldType> types = new LinkedHashMap<>();
        endpoint.instantFields().forEach(field -> types.put(field, FieldType.TIMESTAMP));
        this.declaredTypes = Map.copyOf(types);
    }

    @Override
    public String currentJob() {
        return rangeStart == null ? null : rangeStart + "/" + rangeEnd;
    }

    @Override
    public boolean resume(ExportOffset committed) {
        ReportingCursor cursor = ReportingCursor.fromMap(committed.cursor());
        String[] range = committed.job().split("/", -1);
        try {
            if (range.length != 2) {
                throw new DateTimeParseException("not two instants", committed.job(), 0);
            }
            rangeStart = Instant.parse(range[0]);
            rangeEnd = Instant.parse(range[1]);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(
                    "offset job '" + committed.job()
                            + "' is not a Reporting API date range <instant>/<instant>, e.g. 2026-11-01T00:00:00Z/2026-12-01T00:00:00Z");
        }
        since = cursor.since();
        passEnd = cursor.passEnd();
        watermark = cursor.watermark();
        lastKey = cursor.lastKey();
        seen = SeenVersions.decode(cursor.seen(), config.reportingDedupeMaxVersions());
        exhausted = false;
        log.info(
                "Resuming {} pass ({}) in range {} after key {} at skip {}; {} versions remembered for the overlap",
                source,
                since == null ? "first pass" : "updated since " + since,
                currentJob(),
                lastKey,
                committed.rowOffset(),
                seen.size());
        return true;
    }

    @Override
    public boolean startNext() {
        Instant now = clock.instant();
        if (rangeEnd != null && rangeEnd.isBefore(passEnd)) {
            enterRange(rangeEnd);
            return true;
        }
        if (passEnd != null) {
            if (completedAt == null) {
                completedAt = now;
                log.info(
                        "{} pass complete ({}): {} versions written, {} skipped as written before, {} behind the key"
                                + " cursor (left to the next pass), {} forgotten past {}; watermark {}",
                        source,
                        since == null ? "first pass" : "updated since " + since,
                        passWritten,
                        passSkipped,
                        passBehind,
                        passForgotten,
                        ExportSourceConfig.REPORTING_DEDUPE_MAX_VERSIONS,
                        watermark);
            }
            if (now.isBefore(completedAt.plus(config.exportInterval()))) {
                return false;
            }
        }
        Instant history = config.startDate().atStartOfDay().toInstant(ZoneOffset.UTC);
        Instant end = now.truncatedTo(ChronoUnit.SECONDS);
        Instant start;
        if (passEnd == null) {
            since = null;
            start = history;
        } else {
            since = watermark.minus(config.reportingOverlap());
            Instant lookback = passEnd.minus(config.reportingLookback());
            start = lookback.isAfter(history) ? lookback : history;
        }
        if (!start.isBefore(end)) {
            return false; // the history starts in the future
        }
        if (since != null) {
            seen.forgetBefore(since.toEpochMilli());
        }
        passEnd = end;
        watermark = null;
        completedAt = null;
        passWritten = 0;
        passSkipped = 0;
        passBehind = 0;
        passForgotten = 0;
        enterRange(start);
        log.info(
                "{} pass started: rows dated {} to {}, {}",
                source,
                start,
                end,
                since == null ? "every version (first pass)" : "updated since " + since);
        return true;
    }

    private void enterRange(Instant start) {
        Instant limit = start.plus(Duration.ofDays(endpoint.maxWindowDays()));
        rangeStart = start;
        rangeEnd = limit.isBefore(passEnd) ? limit : passEnd;
        lastKey = null;
        exhausted = false;
    }

    /** Reads the current date range again from its first row (checksum.mismatch.policy=restart-window). */
    @Override
    public void restart() {
        lastKey = null;
        exhausted = false;
    }

    @Override
    public List<JsonNode> read(long from, int limit) {
        if (exhausted) {
            lastReadBytes = 0;
            return List.of();
        }
        Page page = fetch(from, limit);
        if (watermark == null) {
            watermark = page.pollTime();
        }
        exhausted = !page.hasNext() || page.rows().size() < limit;
        pageStart = from;
        return page.rows();
    }

    /** One page as CXone serves it now. */
    private Page fetch(long skip, int top) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("startDate", rangeStart.toString());
        query.put("endDate", rangeEnd.toString());
        if (since != null) {
            query.put("updatedSince", since.toString());
        }
        query.put("orderBy", endpoint.keyField() + " asc");
        query.put("skip", Long.toString(skip));
        query.put("top", Integer.toString(Math.min(top, MAX_TOP)));
        String url = CxoneHttp.withQuery(
                tenant.api() + "/incontactapi/services/" + config.reportingApiVersion() + "/" + endpoint.path(), query);
        Instant asked = clock.instant();
        return http.call(
                source + " page at skip " + skip + " of " + currentJob(),
                CxoneHttp.request(url).GET(),
                tenant.tokens(),
                bytes -> {
                    lastReadBytes = bytes.length;
                    return parsePage(bytes, endpoint.arrayName(), top, asked);
                });
    }

    /**
     * @param pollTime the answer's {@code lastPollTime}; for an empty answer (204, no body) the time it was asked
     * @param hasNext  whether {@code _links.next} names a further page
     */
    record Page(List<JsonNode> rows, Instant pollTime, boolean hasNext) {}

    /**
     * An answer streamed field by field, the rows one at a time (no tree of the whole page): an object with the array
     * {@code arrayName} of at most {@code top} objects and a {@code lastPollTime}; an empty body is CXone's 204 for an
     * empty page. Anything else, a truncated body included, is an {@link IOException}: the call is retried.
     */
    static Page parsePage(byte[] bytes, String arrayName, int top, Instant asked) throws IOException {
        if (bytes.length == 0) {
            return new Page(List.of(), asked, false);
        }
        List<JsonNode> rows = null;
        Instant pollTime = null;
        boolean hasNext = false;
        try (JsonParser parser = ROWS.createParser(bytes)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("expected a JSON object holding '" + arrayName + "'");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (name.equals(arrayName)) {
                    rows = rows(parser, value, arrayName, top);
                } else if (name.equals("lastPollTime")) {
                    pollTime = pollTime(parser, value);
                } else if (name.equals("_links") && value == JsonToken.START_OBJECT) {
                    JsonNode next = ROWS.<JsonNode>readValue(parser).get("next");
                    hasNext = next != null && next.isTextual() && !next.asText().isBlank();
                } else {
                    parser.skipChildren();
                }
            }
            if (parser.currentToken() != JsonToken.END_OBJECT || parser.nextToken() != null) {
                throw new IOException("unexpected content after the answer's JSON object");
            }
        }
        if (rows == null) {
            throw new IOException("the answer holds no '" + arrayName + "' array");
        }
        if (pollTime == null) {
            throw new IOException("the answer holds no lastPollTime");
        }
        return new Page(rows, pollTime, hasNext);
    }

    private static List<JsonNode> rows(JsonParser parser, JsonToken value, String arrayName, int top)
            throws IOException {
        if (value != JsonToken.START_ARRAY) {
            throw new IOException("'" + arrayName + "' is not an array");
        }
        List<JsonNode> rows = new ArrayList<>(Math.min(top, 1024));
        JsonToken token;
        while ((token = parser.nextToken()) == JsonToken.START_OBJECT) {
            if (rows.size() == top) {
                throw new IOException("'" + arrayName + "' holds more than the " + top + " rows asked for (top)");
            }
            rows.add(ROWS.readValue(parser));
        }
        if (token != JsonToken.END_ARRAY) {
            throw new IOException("row " + rows.size() + " of '" + arrayName + "' is not a JSON object");
        }
        return rows;
    }

    private static Instant pollTime(JsonParser parser, JsonToken value) throws IOException {
        if (value != JsonToken.VALUE_STRING) {
            throw new IOException("lastPollTime is not a string");
        }
        try {
            return StructBuilder.parseInstant("lastPollTime", parser.getText());
        } catch (DataException e) {
            throw new IOException(e.getMessage());
        }
    }

    /**
     * The rows of the page to write: those above the key cursor whose version was not written before. A row without
     * a key or {@code lastUpdateTime}, or rows out of key order, fail the task: paging and deduplication rest on them.
     */
    @Override
    public List<JsonNode> admit(List<JsonNode> page) {
        List<JsonNode> admitted = new ArrayList<>(page.size());
        List<String> skippedWithin = new ArrayList<>();
        int skippedAfterLastWritten = 0;
        MessageDigest versions = sha256();
        long keepFrom = watermark.minus(config.reportingOverlap()).toEpochMilli();
        String previous = null;
        for (int i = 0; i < page.size(); i++) {
            JsonNode row = page.get(i);
            String key = key(row, i);
            long updated = updatedMs(row, i);
            if (previous != null && compareKeys(key, previous) <= 0) {
                throw new DataException(source + " page at skip " + pageStart + " of " + currentJob() + ": row " + i
                        + " has key " + key + " after " + previous + ", but orderBy=" + endpoint.keyField()
                        + " asc was asked for; without key order the pass cannot tell which rows it has read");
            }
            previous = key;
            if (lastKey != null && compareKeys(key, lastKey) <= 0) {
                passBehind++;
                metrics.reportingRowBehindCursor();
                continue;
            }
            lastKey = key;
            if (seen.contains(key, updated)) {
                passSkipped++;
                metrics.reportingVersionSkipped();
                if (!admitted.isEmpty()) {
                    skippedWithin.add(key);
                    skippedAfterLastWritten++;
                }
                continue;
            }
            admitted.add(row);
            skippedAfterLastWritten = 0;
            versions.update((key + '\n' + updated + '\n').getBytes(StandardCharsets.UTF_8));
            if (updated >= keepFrom) {
                int forgotten = seen.add(key, updated);
                if (forgotten > 0) {
                    metrics.reportingDedupeEvictions(forgotten);
                    if (passForgotten == 0) {
                        log.warn(
                                "{} pass of {}: more than {}={} versions written since {} to remember for the next"
                                        + " pass's overlap; the oldest are forgotten and may be written again (a long"
                                        + " pass remembers every version that changed during it)",
                                source,
                                currentJob(),
                                ExportSourceConfig.REPORTING_DEDUPE_MAX_VERSIONS,
                                config.reportingDedupeMaxVersions(),
                                Instant.ofEpochMilli(keepFrom));
                    }
                    passForgotten += forgotten;
                }
            }
        }
        passWritten += admitted.size();
        List<String> within = skippedWithin.subList(0, skippedWithin.size() - skippedAfterLastWritten);
        chunkSkipped = within.size() > ReportingCursor.MAX_SKIPPED ? null : List.copyOf(within);
        chunkFirstKey = admitted.isEmpty() ? null : key(admitted.get(0), 0);
        chunkVersions = HexFormat.of().formatHex(versions.digest());
        return admitted;
    }

    @Override
    public Map<String, String> cursor() {
        return new ReportingCursor(
                        since,
                        passEnd,
                        watermark,
                        lastKey,
                        seen.encode(),
                        pageStart,
                        chunkFirstKey,
                        chunkVersions,
                        chunkSkipped)
                .toMap();
    }

    /**
     * The committed chunk's rows as CXone serves them now: its page again, the rows between its first and last key
     * that it wrote. When their keys and update times differ from what was written (rows added before them pushed them
     * on, or they changed since: both normal for this API), there is nothing to compare and the key cursor carries on.
     */
    @Override
    public Optional<List<JsonNode>> reread(ExportOffset committed) {
        ReportingCursor cursor = ReportingCursor.fromMap(committed.cursor());
        if (cursor.firstKey() == null || cursor.lastKey() == null || cursor.skipped() == null) {
            return Optional.empty();
        }
        long pageRows = Math.max(1, Math.min(MAX_TOP, committed.rowOffset() - cursor.pageStart()));
        Page page = fetch(cursor.pageStart(), (int) pageRows);
        List<JsonNode> rows = new ArrayList<>();
        MessageDigest versions = sha256();
        for (int i = 0; i < page.rows().size(); i++) {
            JsonNode row = page.rows().get(i);
            String key = key(row, i);
            if (compareKeys(key, cursor.firstKey()) >= 0
                    && compareKeys(key, cursor.lastKey()) <= 0
                    && !cursor.skipped().contains(key)) {
                rows.add(row);
                versions.update((key + '\n' + updatedMs(row, i) + '\n').getBytes(StandardCharsets.UTF_8));
            }
        }
        if (!HexFormat.of().formatHex(versions.digest()).equals(cursor.versions())) {
            log.info(
                    "{}: the committed page at skip {} of {} now serves other rows or versions between keys {} and {}"
                            + " (CXone added or changed rows since); not comparing its SHA-256, continuing after key {}",
                    source,
                    cursor.pageStart(),
                    committed.job(),
                    cursor.firstKey(),
                    cursor.lastKey(),
                    cursor.lastKey());
            return Optional.empty();
        }
        return Optional.of(rows);
    }

    private String key(JsonNode row, int position) {
        JsonNode key = row.get(endpoint.keyField());
        if (key == null || !key.isValueNode() || key.isNull() || key.asText().isEmpty()) {
            throw new DataException(source + " page at skip " + pageStart + ": row " + position + " has no '"
                    + endpoint.keyField() + "' (the key rows are paged and deduplicated by)");
        }
        String text = key.asText();
        if (text.length() > MAX_KEY_LENGTH) {
            throw new DataException(source + " page at skip " + pageStart + ": row " + position + " has a '"
                    + endpoint.keyField() + "' of " + text.length() + " characters, more than " + MAX_KEY_LENGTH);
        }
        return text;
    }

    private long updatedMs(JsonNode row, int position) {
        JsonNode updated = row.get(ReportingEndpoint.LAST_UPDATE_TIME);
        if (updated == null || !updated.isTextual()) {
            throw new DataException(source + " page at skip " + pageStart + ": row " + position + " has no '"
                    + ReportingEndpoint.LAST_UPDATE_TIME + "' (versions are told apart by it)");
        }
        try {
            return StructBuilder.parseInstant(ReportingEndpoint.LAST_UPDATE_TIME, updated.asText())
                    .toEpochMilli();
        } catch (DataException e) {
            throw new DataException(
                    source + " page at skip " + pageStart + ": row " + position + ": " + e.getMessage());
        }
    }

    /** Ids in numeric order when both are whole numbers (as CXone's ids are), else in text order. */
    static int compareKeys(String a, String b) {
        if (isWholeNumber(a) && isWholeNumber(b)) {
            return a.length() != b.length() ? Integer.compare(a.length(), b.length()) : a.compareTo(b);
        }
        return a.compareTo(b);
    }

    private static boolean isWholeNumber(String s) {
        if (s.isEmpty() || s.length() > 1 && s.charAt(0) == '0') {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    @Override
    public JsonNode typed(JsonNode raw) {
        if (!(raw instanceof ObjectNode object)) {
            return raw;
        }
        ObjectNode typed = object.deepCopy();
        for (String field : endpoint.instantFields()) {
            JsonNode value = typed.get(field);
            if (value != null && value.isTextual()) {
                if (value.asText().isEmpty()) {
                    typed.putNull(field);
                } else {
                    typed.put(
                            field,
                            StructBuilder.parseInstant(field, value.asText()).toEpochMilli());
                }
            }
        }
        return typed;
    }

    /** CXone said there is no next page (the date range is read to its end for this pass). */
    @Override
    public boolean jobComplete() {
        return exhausted;
    }

    /** A date range where nothing changed since the last pass is the usual case, not worth a record. */
    @Override
    public boolean manifestsEmptyJobs() {
        return false;
    }

    @Override
    public Map<String, FieldType> declaredTypes() {
        return declaredTypes;
    }

    @Override
    public Optional<String> keyField() {
        return Optional.of(endpoint.keyField());
    }

    @Override
    public void authenticate() {
        tenant.tokens().get();
    }

    @Override
    public long lastReadBytes() {
        return lastReadBytes;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
