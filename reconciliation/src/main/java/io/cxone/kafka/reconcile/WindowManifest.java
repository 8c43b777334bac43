package io.cxone.kafka.reconcile;

import io.cxone.kafka.source.export.Manifest;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;

/**
 * One manifest ({@link Manifest}, {@value Manifest#SCHEMA_NAME} version 1) as read back from the manifest topic: what
 * the export says it wrote for one job / window of one source.
 *
 * @param key       the record key, {@code <api>/<source>/<job>}
 * @param jobs      the {@code cxone.job.id} values its records carry
 * @param partition partition of the manifest topic the manifest was read from
 * @param offset    its offset there
 */
record WindowManifest(
        String key,
        String api,
        String source,
        String job,
        List<String> jobs,
        String topic,
        long rows,
        int chunks,
        Long firstChunkOffset,
        Long lastChunkOffset,
        String digest,
        Instant completedAt,
        int partition,
        long offset) {

    /** More job ids than any manifest carries (one, plus one per job CXone forgot mid-way). */
    static final int MAX_JOBS = 1000;

    /** The manifest in {@code value}; {@link IllegalArgumentException} saying what is wrong when it is not one. */
    static WindowManifest of(String key, Object value, int partition, long offset) {
        if (!(value instanceof Struct struct)) {
            throw new IllegalArgumentException("value is "
                    + (value == null ? "null" : "a " + value.getClass().getSimpleName()) + ", not a record");
        }
        Schema schema = struct.schema();
        if (!Manifest.SCHEMA_NAME.equals(schema.name())) {
            throw new IllegalArgumentException("schema " + schema.name() + " is not " + Manifest.SCHEMA_NAME);
        }
        if (schema.version() != null && schema.version() != 1) {
            throw new IllegalArgumentException(
                    Manifest.SCHEMA_NAME + " version " + schema.version() + " is not supported (only version 1)");
        }
        String api = text(struct, "api");
        String source = text(struct, "source");
        String job = text(struct, "job");
        Object jobsValue = value(struct, "jobs", Schema.Type.ARRAY);
        List<?> rawJobs = (List<?>) jobsValue;
        if (rawJobs.isEmpty() || rawJobs.size() > MAX_JOBS) {
            throw new IllegalArgumentException("field jobs has " + rawJobs.size() + " entries, not 1.." + MAX_JOBS);
        }
        List<String> jobs = rawJobs.stream().map(String::valueOf).toList();
        long rows = ((Number) value(struct, "rows", Schema.Type.INT64)).longValue();
        int chunks = ((Number) value(struct, "chunks", Schema.Type.INT32)).intValue();
        if (rows < 0 || chunks < 0 || rows < chunks) {
            throw new IllegalArgumentException("rows " + rows + " and chunks " + chunks + " do not fit together");
        }
        String digest = text(struct, "digest_sha256");
        if (!(digest.isEmpty() && chunks == 0) && !digest.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("field digest_sha256 is not 64 lowercase hex digits");
        }
        Object completed = value(struct, "completed_at", Schema.Type.INT64);
        if (!(completed instanceof Date date)) {
            throw new IllegalArgumentException("field completed_at is not a timestamp");
        }
        if (!key.equals(Manifest.key(api, source, job))) {
            throw new IllegalArgumentException("key " + key + " does not name its api/source/job");
        }
        return new WindowManifest(
                key,
                api,
                source,
                job,
                jobs,
                text(struct, "topic"),
                rows,
                chunks,
                optionalLong(struct, "first_chunk_offset"),
                optionalLong(struct, "last_chunk_offset"),
                digest,
                date.toInstant(),
                partition,
                offset);
    }

    private static Object value(Struct struct, String name, Schema.Type type) {
        Field field = struct.schema().field(name);
        if (field == null) {
            throw new IllegalArgumentException("field " + name + " is missing");
        }
        if (field.schema().type() != type) {
            throw new IllegalArgumentException(
                    "field " + name + " is " + field.schema().type() + ", not " + type);
        }
        Object value = struct.get(field);
        if (value == null) {
            throw new IllegalArgumentException("field " + name + " is null");
        }
        return value;
    }

    private static String text(Struct struct, String name) {
        return (String) value(struct, name, Schema.Type.STRING);
    }

    private static Long optionalLong(Struct struct, String name) {
        Field field = struct.schema().field(name);
        return field == null || field.schema().type() != Schema.Type.INT64 ? null : (Long) struct.get(field);
    }
}
