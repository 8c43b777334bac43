package io.cxone.kafka.source.export;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads one report (records API), entity (Data Extraction) or Reporting API endpoint in chunks. A "job" is the unit a
 * checkpoint names: an export job id, a date window, or one window of an incremental pass. Implementations hold the
 * API flavour's details; the task only sees rows.
 */
public interface ChunkReader {

    /** The job being read, or null when none is started. */
    String currentJob();

    /**
     * Continues a job named by a stored offset. Returns false when it cannot be continued (then a new one starts); a
     * job CXone forgot shows later, as an {@link UnknownJobException} from {@link #read}.
     */
    boolean resume(ExportOffset committed);

    /** Starts the next job when one is due (a new export; the next window once it is old enough). False: nothing due yet. */
    boolean startNext();

    /**
     * Starts a new job for the current report or window, served from the same row offsets: for checksum-mismatch
     * policy restart-window (from its first row), and when CXone no longer knows the current job (from the
     * committed row on).
     */
    void restart();

    /**
     * Rows {@code [from, from + limit)} of the current job as CXone sent them (before typing); empty: the job is done.
     * Throws {@link UnknownJobException} when CXone no longer knows the job.
     */
    List<JsonNode> read(long from, int limit);

    /**
     * The rows of a page {@link #read} returned that are to be written, in order (all of them, unless the flavour's
     * results move while they are paged: {@link ReportingChunkReader}). Empty: nothing of this page is written, and
     * reading goes on after it.
     */
    default List<JsonNode> admit(List<JsonNode> page) {
        return page;
    }

    /** What the offset of the chunk just admitted must carry besides the row offset ({@link ExportOffset#cursor()}). */
    default Map<String, String> cursor() {
        return Map.of();
    }

    /**
     * The rows of the committed chunk as CXone serves them now, to compare with its SHA-256 on resume; empty when they
     * cannot be compared because CXone's answer has moved on since (a Reporting API result gains rows and versions).
     */
    default Optional<List<JsonNode>> reread(ExportOffset committed) {
        return Optional.of(read(committed.chunkStart(), committed.chunkRows()));
    }

    /**
     * Whether the page {@link #read} just returned was the job's last one, so its chunk can carry the job's manifest.
     * False when it cannot tell (the next read then returns nothing, and the manifest goes out on its own).
     */
    default boolean jobComplete() {
        return false;
    }

    /** Whether a job that wrote no rows gets a manifest: "CXone served nothing for that window" is worth recording. */
    default boolean manifestsEmptyJobs() {
        return true;
    }

    /** The field whose value keys the records when {@code key.field} is not set; empty: no key. */
    default Optional<String> keyField() {
        return Optional.empty();
    }

    /** Converts a raw row to typed values (CSV columns per configuration; JSON rows are typed already). */
    JsonNode typed(JsonNode raw);

    /** Types fixed by configuration (CSV columns); other fields are typed from their values. */
    default java.util.Map<String, FieldType> declaredTypes() {
        return java.util.Map.of();
    }

    /** Raw bytes read for the last {@link #read} call, for metrics. */
    long lastReadBytes();

    /** Fetches an access token with the configured credentials (a refusal is a {@link CxoneApiException} with its status). */
    void authenticate();

    /** Stops whatever the reader runs besides the task's reader thread (task stop). */
    default void close() {}

    /** The reader of the configured API flavour for one report or entity. */
    static ChunkReader create(String source, ExportSourceConfig config, CxoneHttp http, ExportMetrics metrics) {
        return switch (config.apiFlavour()) {
            case RECORDS -> new RecordsChunkReader(source, config, http, java.time.Clock.systemUTC());
            case DATA_EXTRACTION -> new DataExtractionChunkReader(source, config, http, java.time.Clock.systemUTC());
            case REPORTING -> new ReportingChunkReader(source, config, http, metrics, java.time.Clock.systemUTC());
        };
    }
}
