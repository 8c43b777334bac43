package io.cxone.kafka.source.export;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checkpoint a task resumes one report / entity from. Connect finds an offset by the exact bytes of its partition.
 * Earlier versions built the partition with {@code Map.of}, keys {@code api} and {@code source}, whose order depends
 * on the worker JVM, so a report may hold a checkpoint under each order. This version's partition
 * ({@link ExportOffset#partition}) has other keys, serialized the same way everywhere. Which checkpoint is taken:
 * <ul>
 *   <li>one under this version's partition: that one, whatever earlier versions left;</li>
 *   <li>else, one earlier form stored: that one;</li>
 *   <li>both earlier forms, same job: the one further on (both were committed with their chunks);</li>
 *   <li>both earlier forms, different jobs: the one less far on. Neither says which was written last (a reset by an
 *       earlier version removed only one order), and every job of a report serves the report's rows, so resuming the
 *       less advanced one may repeat rows but never skips one that was not committed.</li>
 * </ul>
 * The first chunk committed afterwards carries this version's partition and removes the earlier forms (tombstones in
 * the chunk's transaction, {@link #retiredPartitions()}), so Connect's offsets REST API (GET, PATCH, DELETE) then sees
 * one partition per report.
 *
 * @param offset            the checkpoint to resume from; empty: start a new job
 * @param retiredPartitions earlier versions' partitions that hold a checkpoint, to remove with the next commit
 */
public record StoredCheckpoint(Optional<ExportOffset> offset, List<Map<String, String>> retiredPartitions) {

    private static final Logger log = LoggerFactory.getLogger(StoredCheckpoint.class);

    public StoredCheckpoint {
        retiredPartitions = List.copyOf(retiredPartitions);
    }

    /** One look-up per form: the reader matches bytes, and the two earlier forms are equal maps. */
    public static StoredCheckpoint read(OffsetStorageReader reader, String api, String source) {
        Optional<ExportOffset> current = parse(reader.offset(ExportOffset.partition(api, source)), "", source);
        List<Map<String, String>> legacyPartitions = ExportOffset.legacyPartitions(api, source);
        List<Optional<ExportOffset>> legacy = new ArrayList<>();
        for (Map<String, String> partition : legacyPartitions) {
            legacy.add(parse(
                    reader.offset(partition), " (earlier version's partition " + partition.keySet() + ")", source));
        }
        return choose(source, current, legacyPartitions, legacy);
    }

    private static Optional<ExportOffset> parse(Map<String, Object> stored, String form, String source) {
        if (stored == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(ExportOffset.fromMap(stored));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "stored checkpoint of " + source + form + " is unreadable: " + e.getMessage(), e);
        }
    }

    /** The rule above; logs one line when an earlier version's checkpoint is stored. */
    static StoredCheckpoint choose(
            String source,
            Optional<ExportOffset> current,
            List<Map<String, String>> legacyPartitions,
            List<Optional<ExportOffset>> legacy) {
        List<Map<String, String>> stored = new ArrayList<>();
        List<ExportOffset> found = new ArrayList<>();
        for (int i = 0; i < legacyPartitions.size(); i++) {
            if (legacy.get(i).isPresent()) {
                stored.add(legacyPartitions.get(i));
                found.add(legacy.get(i).get());
            }
        }
        if (found.isEmpty()) {
            return new StoredCheckpoint(current, List.of());
        }
        String foundText = found.stream()
                .map(o -> "job " + o.job() + " row " + o.rowOffset())
                .toList()
                .toString();
        if (current.isPresent()) {
            log.info(
                    "Checkpoint of {}: taking job {} row {}; earlier versions' checkpoints {} are leftovers and are removed with the"
                            + " next commit",
                    source,
                    current.get().job(),
                    current.get().rowOffset(),
                    foundText);
            return new StoredCheckpoint(current, stored);
        }
        ExportOffset taken = found.get(0);
        String why = "the only one";
        if (found.size() > 1) {
            ExportOffset other = found.get(1);
            boolean sameJob = taken.job().equals(other.job());
            boolean takeOther = sameJob ? other.rowOffset() > taken.rowOffset() : other.rowOffset() < taken.rowOffset();
            taken = takeOther ? other : taken;
            why = sameJob
                    ? "same job: the one further on"
                    : "different jobs: the one less far on, so no uncommitted row is skipped";
        }
        log.info(
                "Checkpoint of {}: taking job {} row {} from an earlier version's partition ({} of {}); the next commit writes"
                        + " it under this version's partition and removes the earlier ones",
                source,
                taken.job(),
                taken.rowOffset(),
                why,
                foundText);
        return new StoredCheckpoint(Optional.of(taken), stored);
    }
}
