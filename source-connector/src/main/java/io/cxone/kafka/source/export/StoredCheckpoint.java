package io.cxone.kafka.source.export;

import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.Optional;

/**
 * The checkpoint a task resumes one report / entity from, read from Kafka source offsets in both key orders of its
 * partition. Versions that built the partition with {@code Map.of} wrote {@code {"api","source"}} or
 * {@code {"source","api"}} depending on the worker JVM, and Connect finds an offset by the exact bytes, so both may be
 * stored. Which one is taken:
 * <ul>
 *   <li>only one form is stored: that one;</li>
 *   <li>both name the same job: the one further on ({@code row_offset}; the canonical form on a tie): both were
 *       committed with their chunks, so the further one's rows are all in Kafka;</li>
 *   <li>they name different jobs: the canonical form. Connect's offsets REST API reads and writes only that form, so a
 *       {@code DELETE /connectors/{name}/offsets} removed it and left the other: a canonical checkpoint was written
 *       after the last reset, the other may be older than it.</li>
 * </ul>
 * When the reversed form is stored, the first chunk committed afterwards removes it (a tombstone in the same
 * transaction as the chunk's canonical checkpoint, {@link #retiredPartition()}), so a later reset leaves nothing
 * behind.
 *
 * @param offset           the checkpoint to resume from; empty: start a new job
 * @param retiredPartition the reversed-order partition to remove with the next commit, or null when none is stored
 */
public record StoredCheckpoint(Optional<ExportOffset> offset, Map<String, String> retiredPartition) {

    private static final Logger log = LoggerFactory.getLogger(StoredCheckpoint.class);

    /** Reads both forms (one look-up each: the reader matches bytes, and both forms are equal maps). */
    public static StoredCheckpoint read(OffsetStorageReader reader, String api, String source) {
        Map<String, Object> canonical = reader.offset(ExportOffset.partition(api, source));
        Map<String, String> reversedPartition = ExportOffset.reversedPartition(api, source);
        Map<String, Object> reversed = reader.offset(reversedPartition);
        return choose(source, parse(canonical, "canonical", source), parse(reversed, "reversed", source), reversedPartition);
    }

    private static Optional<ExportOffset> parse(Map<String, Object> stored, String form, String source) {
        if (stored == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(ExportOffset.fromMap(stored));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("stored checkpoint of " + source + " (" + form + " key order) is unreadable: "
                    + e.getMessage(), e);
        }
    }

    /** The rule above; logs one line when the reversed form is stored. */
    static StoredCheckpoint choose(String source, Optional<ExportOffset> canonical, Optional<ExportOffset> reversed,
                                   Map<String, String> reversedPartition) {
        if (reversed.isEmpty()) {
            return new StoredCheckpoint(canonical, null);
        }
        ExportOffset old = reversed.get();
        if (canonical.isEmpty()) {
            log.info("Checkpoint of {}: taking job {} row {} from the reversed key order {} (written by an earlier version); the"
                    + " next commit writes it in the canonical order and removes the reversed one", source, old.job(), old.rowOffset(),
                    reversedPartition.keySet());
            return new StoredCheckpoint(reversed, reversedPartition);
        }
        ExportOffset current = canonical.get();
        boolean sameJob = current.job().equals(old.job());
        boolean takeReversed = sameJob && old.rowOffset() > current.rowOffset();
        ExportOffset taken = takeReversed ? old : current;
        log.info("Checkpoint of {}: both key orders are stored (canonical: job {} row {}; reversed: job {} row {}); taking the {} one"
                        + " ({}); the next commit writes it in the canonical order and removes the reversed one", source,
                current.job(), current.rowOffset(), old.job(), old.rowOffset(), takeReversed ? "reversed" : "canonical",
                sameJob ? "same job: the one further on" : "different jobs: the canonical one, which a reset would have removed");
        return new StoredCheckpoint(Optional.of(taken), reversedPartition);
    }
}
