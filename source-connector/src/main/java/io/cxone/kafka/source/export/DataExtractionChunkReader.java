package io.cxone.kafka.source.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.cxone.kafka.common.threads.PluginThreads;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.connect.errors.DataException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Real CXone ({@link CxoneTenant} signs in): one Data Extraction job per entity and date window. The job is polled until it
 * succeeds, its file (CSV, maybe gzip) is downloaded at once (the URL lives 30 s; an expired URL is re-polled),
 * and chunks are slices of that file. Windows advance as they complete, once they are older than the lag.
 * A checkpoint names the window ({@code yyyy-MM-dd/yyyy-MM-dd}, end exclusive); resuming re-creates its job.
 *
 * <p>With the tenant's calls spaced ({@code extraction.call.interval.ms}), the next window's job is created, polled and
 * its file downloaded on a thread of its own while this window's rows are handed over, one window ahead at most: the
 * reader thread is then never waiting for a call slot while rows could go out, nor handing rows over while a slot
 * passes unused.
 */
public final class DataExtractionChunkReader implements ChunkReader {

    private static final Logger log = LoggerFactory.getLogger(DataExtractionChunkReader.class);
    private static final CsvMapper CSV = new CsvMapper();
    private static final Duration JOB_POLL_INTERVAL = Duration.ofSeconds(2);
    private static final Duration JOB_TIMEOUT = Duration.ofMinutes(30);

    private final String entity;
    private final ExportSourceConfig config;
    private final CxoneHttp http;
    private final Clock clock;
    private final CxoneTenant tenant;
    private final TokenCache tokens;
    private final Map<String, FieldType> columnTypes;
    private LocalDate windowStart;
    private List<JsonNode> fileRows = List.of();
    private long lastReadBytes;
    private long lastSliceEnd;
    /** The tenant's Data Extraction call spacing; null when {@code extraction.call.interval.ms} is 0. */
    private final TenantCallGate gate;
    /** Fetches the next window's file ahead, one at a time; null without a gate (no call slot to save). */
    private final ExecutorService fetcher;
    /** The next window's file, fetched while this window's rows go out; null when none is under way. */
    private Prefetch prefetch;

    /** A window's downloaded file: its rows and its size on the wire. */
    private record WindowFile(List<JsonNode> rows, long bytes) {}

    private record Prefetch(LocalDate window, Future<WindowFile> file) {}

    public DataExtractionChunkReader(String entity, ExportSourceConfig config, CxoneHttp http, Clock clock) {
        this.entity = entity;
        this.config = config;
        this.http = http;
        this.clock = clock;
        this.columnTypes = config.csvColumnTypes();
        this.tenant = new CxoneTenant(config, http, clock);
        this.tokens = tenant.tokens();
        this.gate = TenantCallGate.forTenant(
                config.issuerUrl() + "|" + config.accessKeyId(), config.extractionCallInterval());
        this.fetcher = gate == null
                ? null
                : Executors.newSingleThreadExecutor(PluginThreads.daemon("cxone-extraction-fetch-" + entity + "-%d"));
    }

    private String api() {
        return tenant.api();
    }

    @Override
    public String currentJob() {
        return windowStart == null ? null : windowStart + "/" + windowEnd();
    }

    private LocalDate windowEnd() {
        return windowStart.plusDays(config.windowDays());
    }

    @Override
    public boolean resume(ExportOffset committed) {
        String job = committed.job();
        String[] days = job.split("/");
        try {
            windowStart = LocalDate.parse(days[0]);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("offset job '" + job + "' is not a window yyyy-MM-dd/yyyy-MM-dd");
        }
        dropPrefetch();
        extract();
        return true;
    }

    @Override
    public boolean startNext() {
        LocalDate next = nextDueWindow();
        if (next == null) {
            return false; // the window is not complete (plus lag) yet
        }
        windowStart = next;
        if (prefetch != null && prefetch.window().equals(next)) {
            Prefetch ready = prefetch;
            prefetch = null;
            adopt(await(ready));
            log.info("Extraction file of {} window {} was fetched ahead", entity, currentJob());
            prefetchNext();
        } else {
            dropPrefetch();
            extract();
        }
        return true;
    }

    @Override
    public void restart() {
        extract();
    }

    /** Fetches the current window's file on this thread, then starts fetching the next one's. */
    private void extract() {
        adopt(fetch(windowStart));
        prefetchNext();
    }

    private void adopt(WindowFile file) {
        fileRows = file.rows();
        lastReadBytes = file.bytes();
        lastSliceEnd = 0;
    }

    /** Starts fetching the next due window's file on the fetcher thread, unless it is under way or not due yet. */
    private void prefetchNext() {
        LocalDate next = fetcher == null ? null : nextDueWindow();
        if (next == null || prefetch != null && prefetch.window().equals(next)) {
            return;
        }
        dropPrefetch();
        prefetch = new Prefetch(next, fetcher.submit(() -> fetch(next)));
    }

    private void dropPrefetch() {
        if (prefetch != null) {
            prefetch.file().cancel(true);
            prefetch = null;
        }
    }

    /** The prefetched file, once fetched; a failure to fetch it fails here, as it would have on this thread. */
    private static WindowFile await(Prefetch prefetch) {
        try {
            return prefetch.file().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CxoneHttp.TaskStoppedException();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new CxoneApiException(0, "fetching window " + prefetch.window() + " failed: " + e.getCause(), e);
        }
    }

    @Override
    public void close() {
        dropPrefetch();
        if (fetcher != null) {
            fetcher.shutdownNow();
        }
    }

    /**
     * Creates the job of the window starting at {@code start}, waits for it, downloads its file at once (re-polling
     * when the URL expired). When CXone forgets the job meanwhile (status 404: expired, or a restarted CXone), the
     * window gets one new job; a new job unknown at once fails.
     */
    private WindowFile fetch(LocalDate start) {
        try {
            return fetchOnce(start);
        } catch (UnknownJobException e) {
            log.warn(
                    "CXone no longer knows extraction job {} of {} window {} (HTTP {}); creating a new job for the window",
                    e.job(),
                    entity,
                    window(start),
                    e.status());
            try {
                return fetchOnce(start);
            } catch (UnknownJobException again) {
                throw new CxoneApiException(
                        again.status(),
                        "CXone does not know extraction job " + again.job() + " of " + entity
                                + " window " + window(start) + " either, although it was just created to replace job "
                                + e.job()
                                + "; not creating another. Last error: " + again.getMessage(),
                        again);
            }
        }
    }

    private String window(LocalDate start) {
        return start + "/" + start.plusDays(config.windowDays());
    }

    private String createJob(LocalDate start) {
        String window = window(start);
        Map<String, String> body = new LinkedHashMap<>();
        body.put("entityName", entity);
        body.put("version", config.entityVersion());
        body.put("startDate", start.toString());
        body.put("endDate", start.plusDays(config.windowDays()).toString());
        JsonNode created = http.json(
                "extraction job create for " + entity + " " + window,
                CxoneHttp.postJson(api() + "/data-extraction/v1/jobs", body),
                tokens,
                gate);
        String jobId = created.path("jobId")
                .asText(created.path("id")
                        .asText(created.path("jobStatus").path("id").asText("")));
        if (jobId.isBlank()) {
            throw new CxoneApiException(
                    0, "extraction job create for " + entity + " " + window + " returned no job id: " + created);
        }
        log.info("Extraction job {} created for {} window {}", jobId, entity, window);
        return jobId;
    }

    /** The window after the current one, once it is complete (plus lag); null before. */
    private LocalDate nextDueWindow() {
        LocalDate next = windowStart == null ? config.startDate() : windowEnd();
        return next.plusDays(config.windowDays())
                        .atStartOfDay()
                        .toInstant(ZoneOffset.UTC)
                        .plus(config.lag())
                        .isAfter(clock.instant())
                ? null
                : next;
    }

    private WindowFile fetchOnce(LocalDate start) {
        String window = window(start);
        String jobId = createJob(start);
        long deadline = System.nanoTime() + JOB_TIMEOUT.toNanos();
        for (int expiredUrls = 0; ; ) {
            JsonNode status;
            try {
                status = http.json(
                                "extraction job " + jobId + " status",
                                CxoneHttp.request(api() + "/data-extraction/v1/jobs/" + jobId)
                                        .GET(),
                                tokens,
                                gate)
                        .path("jobStatus");
            } catch (CxoneApiException e) {
                throw UnknownJobException.classify(jobId, e);
            }
            String state = status.path("status").asText("");
            switch (state) {
                case "SUCCEEDED" -> {
                    String url = status.path("result").path("url").asText("");
                    try {
                        WindowFile file = download(jobId, url);
                        log.info(
                                "Extraction job {} ({} {}) downloaded: {} rows",
                                jobId,
                                entity,
                                window,
                                file.rows().size());
                        return file;
                    } catch (CxoneApiException e) {
                        if (!(e.status() == 403 || e.status() == 404 || e.status() == 410) || ++expiredUrls > 5) {
                            throw e;
                        }
                        log.info(
                                "Download URL of extraction job {} expired (HTTP {}); polling the job for a fresh one",
                                jobId,
                                e.status());
                    }
                }
                case "FAILED", "CANCELLED", "EXPIRED" ->
                    throw new CxoneApiException(
                            0,
                            "extraction job " + jobId + " for " + entity + " " + window + " ended " + state + ": "
                                    + status.path("result").path("errorMessage").asText(""));
                default -> {
                    if (System.nanoTime() > deadline) {
                        throw new CxoneApiException(
                                0,
                                "extraction job " + jobId + " still " + state + " after " + JOB_TIMEOUT.toMinutes()
                                        + " min");
                    }
                    if (gate == null || gate.interval().compareTo(JOB_POLL_INTERVAL) < 0) {
                        CxoneHttp.sleep(gate == null ? JOB_POLL_INTERVAL : JOB_POLL_INTERVAL.minus(gate.interval()));
                    } // else the gate spaces the polls
                }
            }
        }
    }

    private WindowFile download(String jobId, String url) {
        if (url.isBlank()) {
            throw new CxoneApiException(0, "extraction job " + jobId + " succeeded without a result url");
        }
        return http.call(
                "download of extraction job " + jobId,
                CxoneHttp.request(url).GET(),
                null,
                bytes -> new WindowFile(parseCsv(bytes, http.maxBodyBytes()), bytes.length));
    }

    /**
     * CSV with a header row, gzip-compressed or not (then inflated to at most {@code maxBytes}); a malformed file throws
     * IOException (the download is retried).
     */
    static List<JsonNode> parseCsv(byte[] bytes, long maxBytes) throws IOException {
        boolean gzip = bytes.length >= 2 && (bytes[0] & 0xff) == 0x1f && (bytes[1] & 0xff) == 0x8b;
        InputStream in = new ByteArrayInputStream(gzip ? BoundedBody.gunzip(bytes, maxBytes) : bytes);
        List<JsonNode> rows = new ArrayList<>();
        CsvSchema schema = CsvSchema.emptySchema().withHeader().withStrictHeaders(true);
        try (MappingIterator<Map<String, String>> it =
                CSV.readerForMapOf(String.class).with(schema).readValues(in)) {
            while (it.hasNextValue()) {
                Map<String, String> row = it.nextValue();
                ObjectNode node = JsonNodeFactory.instance.objectNode();
                row.forEach(node::put);
                rows.add(node);
            }
        } catch (IOException | RuntimeException e) {
            throw new IOException("malformed CSV at row " + (rows.size() + 1) + ": " + e.getMessage(), e);
        }
        return rows;
    }

    @Override
    public List<JsonNode> read(long from, int limit) {
        if (from >= fileRows.size()) {
            lastReadBytes = 0;
            return List.of();
        }
        lastSliceEnd = Math.min(fileRows.size(), from + limit);
        return fileRows.subList((int) from, (int) lastSliceEnd);
    }

    /** The file is read whole before its first chunk: a slice reaching its end is the window's last. */
    @Override
    public boolean jobComplete() {
        return lastSliceEnd >= fileRows.size();
    }

    @Override
    public Map<String, FieldType> declaredTypes() {
        return columnTypes;
    }

    @Override
    public JsonNode typed(JsonNode raw) {
        ObjectNode typed = JsonNodeFactory.instance.objectNode();
        raw.fields().forEachRemaining(e -> {
            String text = e.getValue().asText();
            FieldType type = columnTypes.getOrDefault(e.getKey(), FieldType.STRING);
            if (text.isEmpty() && type != FieldType.STRING) {
                typed.putNull(e.getKey());
                return;
            }
            try {
                switch (type) {
                    case LONG -> typed.put(e.getKey(), Long.parseLong(text.trim()));
                    case DOUBLE -> typed.put(e.getKey(), Double.parseDouble(text.trim()));
                    case BOOLEAN -> typed.put(e.getKey(), parseBoolean(text));
                    case TIMESTAMP ->
                        typed.put(
                                e.getKey(),
                                StructBuilder.parseInstant(e.getKey(), text.trim())
                                        .toEpochMilli());
                    default -> typed.put(e.getKey(), text);
                }
            } catch (NumberFormatException ex) {
                throw new DataException("column '" + e.getKey() + "' of " + entity + " " + currentJob() + ": '" + text
                        + "' is not a " + type.name().toLowerCase() + " (" + ExportSourceConfig.CSV_COLUMN_TYPES + ")");
            }
        });
        return typed;
    }

    private static boolean parseBoolean(String text) {
        String t = text.trim().toLowerCase();
        if (t.equals("true") || t.equals("1")) {
            return true;
        }
        if (t.equals("false") || t.equals("0")) {
            return false;
        }
        throw new NumberFormatException(text);
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
