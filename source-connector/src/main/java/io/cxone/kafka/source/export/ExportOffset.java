package io.cxone.kafka.source.export;

import io.cxone.kafka.source.offsets.SourceMaps;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The export checkpoint stored in Kafka source offsets (never in local files): where the last committed
 * chunk of one report / entity ended, and what it contained.
 *
 * <p>This is a stored wire format: keys are public constants, the map carries {@value #VERSION_KEY}, and
 * {@link #fromMap} refuses maps it does not understand (used by {@code alterOffsets()} too).
 *
 * @param job             export job id (records API) or date window {@code yyyy-MM-dd/yyyy-MM-dd} (data extraction)
 * @param rowOffset       rows of {@code job} committed so far: the next chunk starts here
 * @param chunkRows       rows in the last committed chunk (it started at {@code rowOffset - chunkRows})
 * @param chunkSha256     SHA-256 of the last committed chunk ({@link ChunkChecksum}), re-checked on resume
 * @param schemaFingerprint fingerprint of the schema baseline the chunk was checked against
 * @param cursor          what else the reader needs to continue (Reporting API: the pass, its watermark, the key
 *                        cursor and the versions seen in the overlap; {@link ReportingCursor}); empty for readers of
 *                        immutable jobs. Stored as top-level string keys next to the ones above.
 * @param tally           what the job's chunks wrote so far, for its manifest ({@link JobTally}); null in offsets of
 *                        versions before manifests
 */
public record ExportOffset(
        String job,
        long rowOffset,
        int chunkRows,
        String chunkSha256,
        String schemaFingerprint,
        Map<String, String> cursor,
        JobTally tally) {

    public static final String VERSION_KEY = "v";
    public static final int VERSION = 1;
    public static final String JOB_KEY = "job";
    public static final String ROW_OFFSET_KEY = "row_offset";
    public static final String CHUNK_ROWS_KEY = "chunk_rows";
    public static final String CHUNK_SHA256_KEY = "chunk_sha256";
    public static final String SCHEMA_FINGERPRINT_KEY = "schema_fingerprint";

    /** Partition keys. Their hash buckets differ, so every key order Connect is given (a PATCH) serializes the same ({@link SourceMaps}). */
    public static final String PARTITION_API_KEY = "cxone.api";

    public static final String PARTITION_SOURCE_KEY = "cxone.source";
    /** Partition keys of versions that built the partition with {@code Map.of}: stored in either order, by JVM. */
    public static final String LEGACY_PARTITION_API_KEY = "api";

    public static final String LEGACY_PARTITION_SOURCE_KEY = "source";

    private static final java.util.Set<String> BASE_KEYS = baseKeys();

    private static java.util.Set<String> baseKeys() {
        java.util.Set<String> keys = new java.util.HashSet<>(JobTally.KEYS);
        keys.addAll(List.of(
                VERSION_KEY, JOB_KEY, ROW_OFFSET_KEY, CHUNK_ROWS_KEY, CHUNK_SHA256_KEY, SCHEMA_FINGERPRINT_KEY));
        return java.util.Set.copyOf(keys);
    }

    public ExportOffset(String job, long rowOffset, int chunkRows, String chunkSha256, String schemaFingerprint) {
        this(job, rowOffset, chunkRows, chunkSha256, schemaFingerprint, Map.of(), null);
    }

    public ExportOffset(
            String job,
            long rowOffset,
            int chunkRows,
            String chunkSha256,
            String schemaFingerprint,
            Map<String, String> cursor) {
        this(job, rowOffset, chunkRows, chunkSha256, schemaFingerprint, cursor, null);
    }

    public ExportOffset {
        Objects.requireNonNull(job, JOB_KEY);
        cursor = Map.copyOf(cursor);
        for (String key : cursor.keySet()) {
            if (BASE_KEYS.contains(key)) {
                throw new IllegalArgumentException("cursor key '" + key + "' is one of the offset's own keys");
            }
        }
        if (rowOffset < 0) {
            throw new IllegalArgumentException(ROW_OFFSET_KEY + " must be >= 0, was " + rowOffset);
        }
        if (chunkRows < 0 || chunkRows > rowOffset) {
            throw new IllegalArgumentException(CHUNK_ROWS_KEY + " must be between 0 and " + ROW_OFFSET_KEY + " ("
                    + rowOffset + "), was " + chunkRows);
        }
        if (chunkSha256 != null && !chunkSha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException(
                    CHUNK_SHA256_KEY + " must be 64 lowercase hex digits, was '" + chunkSha256 + "'");
        }
    }

    /** The source partition of one report (records API) or entity (data extraction): {@code {"cxone.source":…,"cxone.api":…}}. */
    public static Map<String, String> partition(String api, String source) {
        Map<String, String> partition = new HashMap<>();
        partition.put(PARTITION_API_KEY, api);
        partition.put(PARTITION_SOURCE_KEY, source);
        return SourceMaps.canonical(partition);
    }

    /**
     * The partition as earlier versions stored it, in both key orders ({@code Map.of} wrote either, depending on the
     * worker JVM): {@code {"api":…,"source":…}} and {@code {"source":…,"api":…}}. Read on start when {@link #partition}
     * holds no checkpoint, and removed by the next commit ({@link StoredCheckpoint}).
     */
    public static List<Map<String, String>> legacyPartitions(String api, String source) {
        return List.of(
                SourceMaps.exactOrder(LEGACY_PARTITION_API_KEY, api, LEGACY_PARTITION_SOURCE_KEY, source),
                SourceMaps.exactOrder(LEGACY_PARTITION_SOURCE_KEY, source, LEGACY_PARTITION_API_KEY, api));
    }

    public long chunkStart() {
        return rowOffset - chunkRows;
    }

    public Map<String, Object> toMap() {
        Map<String, Object> map = new HashMap<>();
        map.put(VERSION_KEY, VERSION);
        map.put(JOB_KEY, job);
        map.put(ROW_OFFSET_KEY, rowOffset);
        map.put(CHUNK_ROWS_KEY, chunkRows);
        map.put(CHUNK_SHA256_KEY, chunkSha256);
        map.put(SCHEMA_FINGERPRINT_KEY, schemaFingerprint);
        map.putAll(cursor);
        if (tally != null) {
            tally.putInto(map);
        }
        return SourceMaps.canonical(map);
    }

    /** Parses a stored offset; throws {@link IllegalArgumentException} naming the key that is wrong. */
    public static ExportOffset fromMap(Map<String, ?> map) {
        Object version = map.get(VERSION_KEY);
        if (!(version instanceof Number n) || n.intValue() != VERSION) {
            throw new IllegalArgumentException("offset key '" + VERSION_KEY + "' must be " + VERSION
                    + " (this connector's offset format), was " + version);
        }
        Map<String, String> cursor = new HashMap<>();
        for (Map.Entry<String, ?> e : map.entrySet()) {
            if (!BASE_KEYS.contains(e.getKey())) {
                cursor.put(e.getKey(), string(map, e.getKey(), true));
            }
        }
        return new ExportOffset(
                string(map, JOB_KEY, true),
                number(map, ROW_OFFSET_KEY),
                (int) number(map, CHUNK_ROWS_KEY),
                string(map, CHUNK_SHA256_KEY, false),
                string(map, SCHEMA_FINGERPRINT_KEY, false),
                cursor,
                JobTally.from(map));
    }

    /**
     * Checks a partition given to {@code alterOffsets()} with its offset ({@code null}: a reset). A reset may name a
     * partition of an earlier version ({@code api}, {@code source}); a new offset must use this version's keys, which
     * {@code GET /connectors/{name}/offsets} shows, since the task reads an earlier version's partition only when none of
     * this version's is stored.
     */
    public static void validatePartition(Map<String, ?> partition, boolean reset) {
        boolean legacy = !partition.containsKey(PARTITION_API_KEY)
                && !partition.containsKey(PARTITION_SOURCE_KEY)
                && partition.containsKey(LEGACY_PARTITION_API_KEY);
        if (legacy && !reset) {
            throw new IllegalArgumentException("source partition " + partition
                    + " uses the keys of an earlier version ('"
                    + LEGACY_PARTITION_API_KEY + "', '" + LEGACY_PARTITION_SOURCE_KEY + "'); give the partition as GET"
                    + " /connectors/{name}/offsets shows it, with keys '" + PARTITION_API_KEY + "' and '"
                    + PARTITION_SOURCE_KEY + "'");
        }
        String apiKey = legacy ? LEGACY_PARTITION_API_KEY : PARTITION_API_KEY;
        String sourceKey = legacy ? LEGACY_PARTITION_SOURCE_KEY : PARTITION_SOURCE_KEY;
        for (String key : new String[] {apiKey, sourceKey}) {
            if (!(partition.get(key) instanceof String s) || s.isBlank()) {
                throw new IllegalArgumentException(
                        "source partition key '" + key + "' must be a non-empty string, was " + partition.get(key));
            }
        }
        if (partition.size() != 2) {
            throw new IllegalArgumentException("source partition " + partition + " must have exactly the keys '"
                    + apiKey + "' and '" + sourceKey + "'");
        }
        String api = (String) partition.get(apiKey);
        if (ApiFlavour.parse(api) == null) {
            throw new IllegalArgumentException(
                    "source partition key '" + apiKey + "' must be one of " + ApiFlavour.names() + ", was " + api);
        }
    }

    private static String string(Map<String, ?> map, String key, boolean required) {
        Object value = map.get(key);
        if (value == null && !required) {
            return null;
        }
        if (!(value instanceof String s)) {
            throw new IllegalArgumentException("offset key '" + key + "' must be a string, was " + value);
        }
        return s;
    }

    private static long number(Map<String, ?> map, String key) {
        Object value = map.get(key);
        if (!(value instanceof Number n)) {
            throw new IllegalArgumentException("offset key '" + key + "' must be a number, was " + value);
        }
        return n.longValue();
    }
}
