package io.cxone.kafka.simulator.extraction;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxone.kafka.simulator.SimulatorOptions;
import io.cxone.kafka.simulator.auth.TokenService;
import io.cxone.kafka.simulator.data.DataSet;
import io.cxone.kafka.simulator.data.RowGenerator;
import io.cxone.kafka.simulator.data.SchemaDrift;
import io.cxone.kafka.simulator.fault.FaultSpec;
import io.cxone.kafka.simulator.fault.FaultType;
import io.cxone.kafka.simulator.http.ApiException;
import io.cxone.kafka.simulator.http.Exchange;
import io.cxone.kafka.simulator.http.Json;
import io.cxone.kafka.simulator.http.SimResponse;
import io.cxone.kafka.simulator.http.Throttle;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.zip.GZIPOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real CXone Data Extraction API: create a job for an entity and a date window, poll it until SUCCEEDED, then
 * download the CSV (or CSV.gz) from a URL that is valid for a short time. Every poll of a finished job hands out a
 * fresh URL, which is how a client recovers from an expired one.
 */
public final class DataExtractionApi {
    private static final Logger log = LoggerFactory.getLogger(DataExtractionApi.class);

    private final SimulatorOptions options;
    private final TokenService tokens;
    private final RowGenerator rows;
    private final Supplier<String> baseUrl;
    private final Clock clock;
    private final Throttle throttle;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, ExtractionJob> jobs = new ConcurrentHashMap<>();
    private final Map<String, DownloadUrl> downloads = new ConcurrentHashMap<>();
    /** Downloads per data set (entity + window): the second one is where "different rows" can strike. */
    private final Map<String, Integer> downloadsByDataSet = new ConcurrentHashMap<>();

    private record DownloadUrl(String jobId, Instant expiresAt) {}

    public DataExtractionApi(
            SimulatorOptions options, TokenService tokens, RowGenerator rows, Supplier<String> baseUrl) {
        this.options = options;
        this.tokens = tokens;
        this.rows = rows;
        this.baseUrl = baseUrl;
        this.clock = options.clock();
        this.throttle = new Throttle("Data Extraction API", options.throttleInterval(), clock);
    }

    /** The tenant's Data Extraction throttle, for its counters. */
    public Throttle throttle() {
        return throttle;
    }

    public SimResponse createJob(Exchange exchange) {
        tokens.authenticate(exchange);
        JsonNode request = Json.parseObject(exchange.body());
        String entityName = Json.requiredText(request, "entityName");
        String version = versionOf(request);
        LocalDate startDate = date(request, "startDate");
        LocalDate endDate = date(request, "endDate");
        if (!endDate.isAfter(startDate)) {
            throw ApiException.badField(
                    "endDate",
                    "endDate (" + endDate + ") must be after startDate (" + startDate
                            + "); the window is [startDate, endDate)");
        }
        long days = ChronoUnit.DAYS.between(startDate, endDate);
        if (days > options.maxWindowDays()) {
            throw ApiException.badField(
                    "endDate",
                    "window " + startDate + ".." + endDate + " spans " + days + " days; at most "
                            + options.maxWindowDays() + " days per request");
        }
        throttle.admit(exchange);
        boolean fails = exchange.takeFault(FaultType.JOB_FAILED).isPresent();
        Instant now = clock.instant();
        ExtractionJob job = new ExtractionJob(
                UUID.randomUUID().toString(),
                entityName,
                version,
                startDate,
                endDate,
                now,
                now.plus(options.jobRunningTime()),
                fails,
                options.gzipDownloads());
        jobs.put(job.id(), job);
        log.info(
                "Job created: job_id={} entity={} version={} window={}..{} outcome={}",
                job.id(),
                entityName,
                version,
                startDate,
                endDate,
                fails ? "FAILED (fault)" : "SUCCEEDED");
        return SimResponse.json(202, Map.of("jobId", job.id()))
                .header("Location", "/data-extraction/v1/jobs/" + job.id());
    }

    public SimResponse jobStatus(Exchange exchange) {
        tokens.authenticate(exchange);
        String jobId = exchange.pathVariable("jobId");
        ExtractionJob job = jobs.get(jobId);
        if (job == null) {
            throw ApiException.notFound("job '" + jobId + "' does not exist");
        }
        throttle.admit(exchange);
        Instant now = clock.instant();
        String status = job.status(now);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("url", null);
        result.put("errorMessage", null);
        if ("SUCCEEDED".equals(status)) {
            String token = HexFormat.of().formatHex(randomBytes());
            Instant expiresAt = now.plus(options.downloadUrlValidity());
            downloads.put(token, new DownloadUrl(job.id(), expiresAt));
            result.put("url", baseUrl.get() + "/files/" + token + (job.gzip() ? ".csv.gz" : ".csv"));
            log.info("Download URL issued: job_id={} expires_at={}", job.id(), expiresAt);
        } else if ("FAILED".equals(status)) {
            result.put(
                    "errorMessage",
                    "simulated extraction failure for " + job.entityName() + " " + job.startDate() + ".."
                            + job.endDate());
        }
        Map<String, Object> jobStatus = new LinkedHashMap<>();
        jobStatus.put("id", job.id());
        jobStatus.put("status", status);
        jobStatus.put("entityName", job.entityName());
        jobStatus.put("version", job.version());
        jobStatus.put("startDate", job.startDate().toString());
        jobStatus.put("endDate", job.endDate().toString());
        jobStatus.put("createdDate", job.createdAt().toString());
        jobStatus.put("result", result);
        return SimResponse.json(200, Map.of("jobStatus", jobStatus));
    }

    /** The pre-signed result URL: no bearer token, only the URL's own validity. */
    public SimResponse download(Exchange exchange) {
        String fileName = exchange.pathVariable("file");
        String token = fileName.replaceFirst("\\.csv(\\.gz)?$", "");
        DownloadUrl url = downloads.get(token);
        if (url == null) {
            throw ApiException.notFound("download URL is unknown; poll the job for a URL");
        }
        Instant now = clock.instant();
        if (!now.isBefore(url.expiresAt())) {
            throw expired("download URL expired at " + url.expiresAt() + "; poll the job again for a fresh URL");
        }
        if (exchange.takeFault(FaultType.EXPIRED_URL).isPresent()) {
            throw expired("download URL expired (fault); poll the job again for a fresh URL");
        }
        ExtractionJob job = jobs.get(url.jobId());
        DataSet dataSet = DataSet.window(
                job.entityName(),
                job.version(),
                atUtcMidnight(job.startDate()),
                atUtcMidnight(job.endDate()),
                options.rowCount());
        int downloadCount = downloadsByDataSet.merge(dataSet.key(), 1, Integer::sum);
        int generation = 0;
        if (downloadCount > 1 && exchange.takeFault(FaultType.DIFFERENT_ROWS).isPresent()) {
            generation = downloadCount - 1;
            log.info("Fault different-rows: job_id={} download={} serves changed values", job.id(), downloadCount);
        }
        SchemaDrift drift = exchange.takeFault(FaultType.SCHEMA_DRIFT)
                .map(FaultSpec::drift)
                .map(DataExtractionApi::forCsv)
                .orElse(null);
        long half = dataSet.rowCount() / 2;
        long malformedAt = exchange.takeFault(FaultType.MALFORMED_BODY).isPresent() ? half : -1;
        long truncateAt = exchange.takeFault(FaultType.TRUNCATED_BODY).isPresent() ? half : -1;
        CsvFile csvFile = new CsvFile(rows, dataSet, generation, drift, malformedAt, truncateAt);
        String attachmentName =
                job.entityName() + "_" + job.startDate() + "_" + job.endDate() + (job.gzip() ? ".csv.gz" : ".csv");
        int download = downloadCount;
        return SimResponse.streaming(200, job.gzip() ? "application/gzip" : "text/csv; charset=utf-8", out -> {
                    if (job.gzip()) {
                        // Sync flush: a truncated file must put its first half on the wire before the connection drops.
                        GZIPOutputStream gzip = new GZIPOutputStream(out, 64 * 1024, true);
                        csvFile.writeTo(gzip);
                        gzip.finish();
                    } else {
                        csvFile.writeTo(out);
                    }
                    log.info(
                            "File served: job_id={} rows={} gzip={} download={}",
                            job.id(),
                            dataSet.rowCount(),
                            job.gzip(),
                            download);
                })
                .header("Content-Disposition", "attachment; filename=\"" + attachmentName + "\"");
    }

    /** Forgets every job and its download URLs (the {@code forget-jobs} action); returns how many jobs there were. */
    public int forgetJobs() {
        int count = jobs.size();
        jobs.clear();
        downloads.clear();
        log.info("Extraction jobs forgotten: {}", count);
        return count;
    }

    /**
     * A CSV file has one header, so an added or removed column shows for the whole file; a retyped column changes
     * its values from the drift's row on.
     */
    private static SchemaDrift forCsv(SchemaDrift drift) {
        return drift.change() == SchemaDrift.Change.RETYPE
                ? drift
                : new SchemaDrift(drift.change(), drift.field(), drift.newType(), 0);
    }

    private static ApiException expired(String description) {
        return new ApiException(403, "url_expired", description);
    }

    private static String versionOf(JsonNode request) {
        JsonNode version = request.get("version");
        if (version == null || version.isNull()) {
            throw ApiException.badField("version", "field 'version' is required (the entity version, e.g. \"7\")");
        }
        if (!(version.isTextual() && !version.asText().isBlank()) && !version.isIntegralNumber()) {
            throw ApiException.badField(
                    "version", "field 'version' must be a non-empty string like \"7\", got " + version);
        }
        return version.asText();
    }

    private static LocalDate date(JsonNode request, String field) {
        String text = Json.requiredText(request, field);
        try {
            return LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            throw ApiException.badField(field, "field '" + field + "' must be a date YYYY-MM-DD, got '" + text + "'");
        }
    }

    private static Instant atUtcMidnight(LocalDate date) {
        return date.atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    private byte[] randomBytes() {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return bytes;
    }
}
