package io.cxone.kafka.source.export;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxone.kafka.source.export.ExportSourceConfig.DriftPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one source's rows into verified chunks: checks the SHA-256 of the boundary chunk on resume, hashes
 * each new chunk, checks its fields against the schema baseline, applies the drift policy, and builds the
 * records. Every record of a chunk carries the offset of the chunk's end, so the offset commits with the
 * chunk's transaction and a restart resumes right after the last committed chunk.
 */
public final class ChunkPipeline {

    private static final Logger log = LoggerFactory.getLogger(ChunkPipeline.class);

    public static final String HEADER_CHUNK_OFFSET = "cxone.chunk.offset";
    public static final String HEADER_CHUNK_SIZE = "cxone.chunk.size";
    public static final String HEADER_CHUNK_SHA256 = "cxone.chunk.sha256";
    /** The row's place in its chunk (0-based): a reader of records spread over partitions can restore the order. */
    public static final String HEADER_CHUNK_ROW = "cxone.chunk.row";

    public static final String HEADER_JOB_ID = "cxone.job.id";
    public static final String HEADER_SCHEMA_FINGERPRINT = "cxone.schema.fingerprint";
    public static final String HEADER_DRIFT_REASON = "cxone.drift.reason";

    private final String source;
    private final Map<String, String> partition;
    private final ChunkReader reader;
    private final ExportSourceConfig config;
    private final ExportMetrics metrics;
    private final StructBuilder structs;

    private long nextRow;
    private ChunkShape baseline;
    private int schemaVersion = 1;
    private ExportOffset pendingCheck;
    /** The last chunk handed over (or committed, on resume) of the current job: re-checked under a renewed job. */
    private ExportOffset lastChunk;
    /** A job started because CXone forgot the previous one, until it serves a read; if it is unknown too, the task fails. */
    private String renewedJob;
    /** The current job served all its rows: it is not read again (CXone may expire it meanwhile) until the next one starts. */
    private boolean jobDone;

    /** What the current job's chunks wrote, for its manifest; null for a job resumed from an offset without one. */
    private JobTally tally;
    /** The checkpoint of the last chunk handed over (or resumed from), which a manifest sent on its own repeats. */
    private ExportOffset lastOffset;

    /** Partitions an earlier version stored checkpoints under: removed in the next chunk's transaction. */
    private List<Map<String, String>> retiredPartitions;

    public ChunkPipeline(
            String source,
            ChunkReader reader,
            ExportSourceConfig config,
            ExportMetrics metrics,
            Optional<ExportOffset> committed) {
        this(source, reader, config, metrics, new StoredCheckpoint(committed, List.of()));
    }

    public ChunkPipeline(
            String source,
            ChunkReader reader,
            ExportSourceConfig config,
            ExportMetrics metrics,
            StoredCheckpoint stored) {
        Optional<ExportOffset> committed = stored.offset();
        this.retiredPartitions = stored.retiredPartitions();
        this.source = source;
        this.partition = ExportOffset.partition(config.apiFlavour().configName(), source);
        this.reader = reader;
        this.config = config;
        this.metrics = metrics;
        this.structs = new StructBuilder(source);
        committed.ifPresent(offset -> {
            if (reader.resume(offset)) {
                nextRow = offset.rowOffset();
                // A checkpoint at the job's first row (a window rewound through the offsets REST API) has written
                // nothing of it yet: its tally is known, and the job gets its manifest.
                tally = offset.tally() == null && offset.rowOffset() == 0
                        ? JobTally.start(offset.job())
                        : offset.tally();
                lastOffset = offset;
                if (tally == null && !config.manifestTopic().isEmpty()) {
                    log.info(
                            "{} job {}: its checkpoint predates manifests; the job gets none, the next ones do",
                            source,
                            offset.job());
                }
                pendingCheck = offset.chunkSha256() == null || offset.chunkRows() == 0 ? null : offset;
                lastChunk = pendingCheck;
                log.info(
                        "Resuming {} job {} at row {} (last chunk sha256 {})",
                        source,
                        offset.job(),
                        nextRow,
                        offset.chunkSha256());
            }
        });
    }

    public String source() {
        return source;
    }

    /** Stops the reader's own threads (task stop). */
    public void close() {
        reader.close();
    }

    /** The next verified chunk, or empty when nothing is due now (job done and the next not yet due). */
    public Optional<ExportChunk> next() {
        while (true) {
            if ((reader.currentJob() == null || jobDone) && !startNextJob()) {
                return Optional.empty();
            }
            long started = System.nanoTime();
            List<JsonNode> raw;
            try {
                if (pendingCheck != null) {
                    verifyBoundaryChunk(pendingCheck);
                    pendingCheck = null;
                }
                raw = reader.read(nextRow, config.chunkSize());
            } catch (UnknownJobException e) {
                renewJob(e);
                continue;
            }
            renewedJob = null;
            if (raw.isEmpty()) {
                log.info("{} job {} finished after {} rows", source, reader.currentJob(), nextRow);
                jobDone = true;
                if (manifestDue()) {
                    return Optional.of(manifestAlone());
                }
                continue;
            }
            List<JsonNode> rows = reader.admit(raw);
            if (rows.isEmpty()) {
                nextRow += raw.size(); // nothing of this page is written: read on after it
                continue;
            }
            return Optional.of(chunk(raw.size(), rows, started));
        }
    }

    private boolean startNextJob() {
        if (!reader.startNext()) {
            return false;
        }
        nextRow = 0;
        lastChunk = null;
        jobDone = false;
        tally = JobTally.start(reader.currentJob());
        return true;
    }

    /** The finished job's manifest has not gone out with a chunk, and it gets one. */
    private boolean manifestDue() {
        return !config.manifestTopic().isEmpty()
                && tally != null
                && !tally.manifestWritten()
                && (tally.chunks() > 0 || reader.manifestsEmptyJobs());
    }

    /**
     * The manifest of a job whose last chunk went out before the reader knew it was the last (a full last page), or of
     * a job without rows: one record, its own transaction, repeating the last checkpoint with the manifest marked.
     */
    private ExportChunk manifestAlone() {
        tally = tally.withManifestWritten();
        ExportOffset offset = lastOffset != null && lastOffset.job().equals(reader.currentJob())
                ? new ExportOffset(
                        lastOffset.job(),
                        lastOffset.rowOffset(),
                        lastOffset.chunkRows(),
                        lastOffset.chunkSha256(),
                        lastOffset.schemaFingerprint(),
                        lastOffset.cursor(),
                        tally)
                : new ExportOffset(reader.currentJob(), nextRow, 0, null, null, reader.cursor(), tally);
        lastOffset = offset;
        return new ExportChunk(source, reader.currentJob(), nextRow, List.of(manifest(offset.toMap())));
    }

    private SourceRecord manifest(Map<String, Object> offsetMap) {
        metrics.manifest();
        log.info(
                "Manifest of {} job {}: {} rows in {} chunks, digest {}",
                source,
                reader.currentJob(),
                tally.rows(),
                tally.chunks(),
                tally.digest());
        return Manifest.record(
                partition,
                offsetMap,
                config.manifestTopic(),
                config.apiFlavour().configName(),
                source,
                reader.currentJob(),
                config.topicFor(source),
                tally,
                System.currentTimeMillis());
    }

    /**
     * CXone no longer knows the job (it expired, or a restarted CXone forgot it): starts a new job for the same
     * report / window and continues at {@code nextRow}, after re-reading the last chunk under the new job and
     * comparing its SHA-256 (checksum.mismatch.policy). Once per job: a new job that is unknown at once fails the task.
     */
    private void renewJob(UnknownJobException e) {
        if (e.job().equals(renewedJob)) {
            throw new ConnectException(
                    "CXone does not know " + source + " job " + e.job() + " either, although it was just started to"
                            + " replace a job CXone had forgotten; not starting another. Check that "
                            + ExportSourceConfig.BASE_URL
                            + " points at the CXone API. Last error: " + e.getMessage(),
                    e);
        }
        log.warn(
                "CXone no longer knows {} job {} (expired or forgotten: HTTP {}); starting a new job and continuing at row {}",
                source,
                e.job(),
                e.status(),
                nextRow);
        reader.restart();
        renewedJob = reader.currentJob();
        pendingCheck = lastChunk;
        if (tally != null) {
            tally = tally.renamed(reader.currentJob());
        }
    }

    /** The chunk of {@code rows}, the rows to write of the {@code pageRows} read at {@code nextRow}. */
    private ExportChunk chunk(int pageRows, List<JsonNode> rows, long startedNanos) {
        String sha = ChunkChecksum.sha256(rows);
        List<JsonNode> typed = rows.stream().map(reader::typed).toList();
        ChunkShape shape = ChunkShape.of(typed, reader.declaredTypes());
        if (baseline == null) {
            baseline = shape;
            log.info("{} schema baseline {} (fingerprint {})", source, shape, shape.fingerprint());
        }
        String topic = config.topicFor(source);
        String driftReason = null;
        ChunkShape recordShape = baseline;
        SchemaDrift drift = shape.driftFrom(baseline);
        if (!drift.isEmpty()) {
            metrics.drift();
            driftReason = source + " job " + reader.currentJob() + " rows " + nextRow + "-" + (nextRow + pageRows - 1)
                    + ": " + drift.describe();
            DriftPolicy policy = config.driftPolicy();
            switch (policy) {
                case FAIL ->
                    throw new ConnectException("Schema drift (" + ExportSourceConfig.SCHEMA_DRIFT_POLICY + "=fail): "
                            + driftReason + ". Nothing of this chunk was written. Set "
                            + ExportSourceConfig.SCHEMA_DRIFT_POLICY
                            + " to warn, route or evolve to accept it.");
                case WARN -> {
                    log.warn("Schema drift, writing with the chunk's own schema: {}", driftReason);
                    recordShape = shape;
                }
                case ROUTE -> {
                    log.warn("Schema drift, routing the chunk to {}: {}", topic, driftReason);
                    topic = config.driftTopicFor(source);
                    recordShape = shape;
                }
                case EVOLVE -> {
                    if (!drift.retyped().isEmpty()) {
                        throw new ConnectException(
                                "Schema drift cannot evolve retyped fields (" + ExportSourceConfig.SCHEMA_DRIFT_POLICY
                                        + "=evolve): " + driftReason + ". Nothing of this chunk was written.");
                    }
                    baseline = baseline.union(shape);
                    schemaVersion++;
                    recordShape = baseline;
                    log.warn(
                            "Schema drift, evolved to schema version {} (fingerprint {}): {}",
                            schemaVersion,
                            baseline.fingerprint(),
                            driftReason);
                }
            }
        }
        Schema schema = structs.schemaFor(recordShape, recordShape == baseline ? schemaVersion : null);
        long startRow = nextRow;
        long endRow = nextRow + pageRows;
        boolean manifest = false;
        if (tally != null) {
            tally = tally.plus(startRow, rows.size(), sha);
            manifest = reader.jobComplete() && manifestDue();
            if (manifest) {
                tally = tally.withManifestWritten();
            }
        }
        ExportOffset offset = new ExportOffset(
                reader.currentJob(), endRow, rows.size(), sha, baseline.fingerprint(), reader.cursor(), tally);
        Map<String, Object> offsetMap = offset.toMap();
        List<SourceRecord> records = new ArrayList<>(rows.size() + 1);
        // Per chunk, not per record: these are the same for every record of the chunk.
        String job = reader.currentJob();
        String fingerprint = recordShape.fingerprint();
        String keyField = config.keyField().isBlank() ? reader.keyField().orElse(null) : config.keyField();
        int offsetHash = offsetMap.hashCode();
        Long startRowValue = startRow;
        Integer chunkSizeValue = rows.size();
        for (JsonNode row : typed) {
            // The chunk's first records remove earlier versions' partitions (a null offset is a tombstone), the others
            // carry
            // the checkpoint: all land in the chunk's transaction. The last record always carries the checkpoint.
            Map<String, String> retires = records.size() < retiredPartitions.size() && records.size() < rows.size() - 1
                    ? retiredPartitions.get(records.size())
                    : null;
            ConnectHeaders headers = new ConnectHeaders();
            headers.add(HEADER_CHUNK_OFFSET, startRowValue, Schema.INT64_SCHEMA);
            headers.add(HEADER_CHUNK_SIZE, chunkSizeValue, Schema.INT32_SCHEMA);
            headers.addInt(HEADER_CHUNK_ROW, records.size()); // one record per row so far
            headers.addString(HEADER_CHUNK_SHA256, sha);
            headers.addString(HEADER_JOB_ID, job);
            headers.addString(HEADER_SCHEMA_FINGERPRINT, fingerprint);
            if (driftReason != null) {
                headers.addString(HEADER_DRIFT_REASON, driftReason);
            }
            JsonNode keyValue = keyField == null ? null : row.get(keyField);
            String key = keyValue == null || keyValue.isNull() ? null : keyValue.asText();
            records.add(new ChunkRecord(
                    retires != null ? retires : partition,
                    retires != null ? null : offsetMap,
                    retires != null ? 0 : offsetHash,
                    topic,
                    key == null ? null : Schema.OPTIONAL_STRING_SCHEMA,
                    key,
                    schema,
                    structs.struct(schema, row),
                    headers));
        }
        if (manifest) {
            records.add(manifest(offsetMap)); // last: the transaction commits at it, with the chunk
        }
        nextRow = endRow;
        lastChunk = offset;
        lastOffset = offset;
        retiredPartitions = retiredPartitions.subList(
                Math.min(retiredPartitions.size(), Math.max(0, rows.size() - 1)), retiredPartitions.size());
        long latencyMs = (System.nanoTime() - startedNanos) / 1_000_000;
        metrics.chunk(records.size(), reader.lastReadBytes(), latencyMs);
        log.info(
                "Chunk verified: {} job {} rows {}-{} sha256 {} ({} ms)",
                source,
                reader.currentJob(),
                startRow,
                endRow - 1,
                sha,
                latencyMs);
        return new ExportChunk(source, reader.currentJob(), startRow, records);
    }

    /**
     * A source record with a cheap hash code. The worker looks every record up in hash sets and maps several times
     * (to find the transaction boundary and to track acknowledgements), and SourceRecord's own hash walks the
     * partition, offset, value struct, schema and headers each time. Equality stays SourceRecord's (all fields,
     * same class), so hashing a subset of the fields (topic, key, and the chunk's offset, hashed once per chunk)
     * keeps equal records at equal hashes.
     */
    static final class ChunkRecord extends SourceRecord {
        private final int hash;

        ChunkRecord(
                Map<String, ?> partition,
                Map<String, ?> offset,
                int offsetHash,
                String topic,
                Schema keySchema,
                Object key,
                Schema valueSchema,
                Object value,
                Iterable<Header> headers) {
            super(partition, offset, topic, null, keySchema, key, valueSchema, value, null, headers);
            this.hash = (31 * offsetHash + topic.hashCode()) * 31 + java.util.Objects.hashCode(key);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            return super.equals(o); // SourceRecord's: every field, and the same class
        }
    }

    /** Re-reads the last committed chunk and compares its SHA-256 with the offset's (checksum.mismatch.policy). */
    private void verifyBoundaryChunk(ExportOffset committed) {
        Optional<List<JsonNode>> reread = reader.reread(committed);
        if (reread.isEmpty()) {
            return; // the reader said why: its results moved on since the commit
        }
        List<JsonNode> again = reread.get();
        String sha = ChunkChecksum.sha256(again);
        String job = committed.job().equals(reader.currentJob())
                ? "job " + committed.job()
                : "job " + committed.job() + " (re-read from new job " + reader.currentJob() + ")";
        if (sha.equals(committed.chunkSha256())) {
            if (baseline == null) {
                baseline = ChunkShape.of(again.stream().map(reader::typed).toList(), reader.declaredTypes());
            }
            log.info(
                    "Resume check passed: {} {} rows {}-{} still hash to {}",
                    source,
                    job,
                    committed.chunkStart(),
                    committed.rowOffset() - 1,
                    sha);
            return;
        }
        metrics.checksumMismatch();
        String what = source + " " + job + " rows " + committed.chunkStart() + "-" + (committed.rowOffset() - 1)
                + " hash to " + sha + " now, but " + committed.chunkSha256() + " when they were committed";
        switch (config.checksumMismatchPolicy()) {
            case FAIL ->
                throw new ConnectException(
                        "Checksum mismatch on resume (" + ExportSourceConfig.CHECKSUM_MISMATCH_POLICY + "=fail): "
                                + what + ". CXone changed data that was already written; nothing more was written.");
            case WARN -> log.warn("Checksum mismatch on resume, continuing after the committed rows: {}", what);
            case RESTART_WINDOW -> {
                log.warn("Checksum mismatch on resume, exporting the job/window again from its first row: {}", what);
                reader.restart();
                nextRow = 0;
                lastChunk = null;
                tally = JobTally.start(reader.currentJob());
            }
        }
    }
}
