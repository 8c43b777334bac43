package io.cxone.kafka.source.export;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * Reads one report (records API) or entity (Data Extraction) in chunks. A "job" is the unit a checkpoint
 * names: an export job id, or a date window. Implementations hold the API flavour's details; the task
 * only sees rows.
 */
public interface ChunkReader {

    /** The job being read, or null when none is started. */
    String currentJob();

    /**
     * Continues a job named by a stored offset. Returns false when it cannot be continued (then a new one starts); a
     * job CXone forgot shows later, as an {@link UnknownJobException} from {@link #read}.
     */
    boolean resume(String job);

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

    /** The reader of the configured API flavour for one report or entity. */
    static ChunkReader create(String source, ExportSourceConfig config, CxoneHttp http) {
        return switch (config.apiFlavour()) {
            case RECORDS -> new RecordsChunkReader(source, config, http, java.time.Clock.systemUTC());
            case DATA_EXTRACTION -> new DataExtractionChunkReader(source, config, http, java.time.Clock.systemUTC());
        };
    }
}
