package io.cxone.kafka.source.export;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * What the chunks of one job (export job, Data Extraction window, Reporting API date range) have written so far, kept
 * in every chunk's checkpoint so the job's manifest ({@link Manifest}) is right after any number of restarts.
 *
 * @param rows            records written for the job
 * @param chunks          chunks written for the job
 * @param firstChunkStart row offset of its first chunk ({@code cxone.chunk.offset}); -1 before the first
 * @param lastChunkStart  row offset of its latest chunk; -1 before the first
 * @param digest          the chain over the chunks' SHA-256s in order ({@link #chain}); empty before the first
 * @param jobs            job ids the chunks were read under: one, unless CXone forgot the job and a new one replaced it
 * @param manifestWritten whether the job's manifest went out (in the transaction of the chunk carrying this tally)
 */
public record JobTally(
        long rows,
        int chunks,
        long firstChunkStart,
        long lastChunkStart,
        String digest,
        List<String> jobs,
        boolean manifestWritten) {

    static final String ROWS_KEY = "job_rows";
    static final String CHUNKS_KEY = "job_chunks";
    static final String FIRST_CHUNK_KEY = "job_first_chunk";
    static final String LAST_CHUNK_KEY = "job_last_chunk";
    static final String DIGEST_KEY = "job_digest";
    static final String JOBS_KEY = "job_ids";
    static final String MANIFEST_KEY = "manifest_written";
    static final List<String> KEYS =
            List.of(ROWS_KEY, CHUNKS_KEY, FIRST_CHUNK_KEY, LAST_CHUNK_KEY, DIGEST_KEY, JOBS_KEY, MANIFEST_KEY);

    public JobTally {
        jobs = List.copyOf(jobs);
    }

    static JobTally start(String job) {
        return new JobTally(0, 0, -1, -1, "", List.of(job), false);
    }

    /** The tally with one more chunk of {@code rowCount} rows starting at {@code chunkStart}, hashing to {@code sha256}. */
    JobTally plus(long chunkStart, int rowCount, String sha256) {
        return new JobTally(
                rows + rowCount,
                chunks + 1,
                firstChunkStart < 0 ? chunkStart : firstChunkStart,
                chunkStart,
                chain(digest, sha256),
                jobs,
                false);
    }

    JobTally renamed(String job) {
        List<String> all = new ArrayList<>(jobs);
        if (!all.contains(job)) {
            all.add(job);
        }
        return new JobTally(rows, chunks, firstChunkStart, lastChunkStart, digest, all, manifestWritten);
    }

    JobTally withManifestWritten() {
        return new JobTally(rows, chunks, firstChunkStart, lastChunkStart, digest, jobs, true);
    }

    /**
     * One link of the window digest: SHA-256 (lowercase hex) of the previous link and the chunk's SHA-256, each as hex
     * and newline-terminated. The first link's previous is empty. Recomputable from the chunk SHA-256 headers alone.
     */
    public static String chain(String previous, String chunkSha256) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update((previous + "\n" + chunkSha256 + "\n").getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    void putInto(Map<String, Object> map) {
        map.put(ROWS_KEY, rows);
        map.put(CHUNKS_KEY, chunks);
        map.put(FIRST_CHUNK_KEY, firstChunkStart);
        map.put(LAST_CHUNK_KEY, lastChunkStart);
        map.put(DIGEST_KEY, digest);
        map.put(JOBS_KEY, String.join(",", jobs));
        map.put(MANIFEST_KEY, manifestWritten);
    }

    /** The tally of a stored offset; null when it has none (written by a version before manifests). */
    static JobTally from(Map<String, ?> map) {
        if (!map.containsKey(ROWS_KEY)) {
            return null;
        }
        try {
            String digest = (String) map.get(DIGEST_KEY);
            if (digest == null || !digest.isEmpty() && !digest.matches("[0-9a-f]{64}")) {
                throw new IllegalArgumentException("offset key '" + DIGEST_KEY + "' must be empty or 64 hex digits");
            }
            String jobs = (String) map.get(JOBS_KEY);
            return new JobTally(
                    ((Number) map.get(ROWS_KEY)).longValue(),
                    ((Number) map.get(CHUNKS_KEY)).intValue(),
                    ((Number) map.get(FIRST_CHUNK_KEY)).longValue(),
                    ((Number) map.get(LAST_CHUNK_KEY)).longValue(),
                    digest,
                    jobs == null || jobs.isEmpty() ? List.of() : List.of(jobs.split(",")),
                    Boolean.TRUE.equals(map.get(MANIFEST_KEY)));
        } catch (ClassCastException | NullPointerException e) {
            throw new IllegalArgumentException(
                    "offset keys " + KEYS + " must all be present, numbers (" + ROWS_KEY + ", " + CHUNKS_KEY + ", "
                            + FIRST_CHUNK_KEY + ", " + LAST_CHUNK_KEY + "), strings (" + DIGEST_KEY + ", " + JOBS_KEY
                            + ") and a boolean (" + MANIFEST_KEY + ")");
        }
    }
}
