package io.cxone.kafka.reconcile;

import io.cxone.kafka.source.export.JobTally;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The chunks one side (Kafka or Elasticsearch) holds of a window, from the {@code cxone.chunk.offset},
 * {@code cxone.chunk.sha256} and {@code cxone.chunk.size} each record / document carries: per chunk offset, its
 * SHA-256(s), how many records carry it, and the size they declare. The window digest is recomputed from it exactly as
 * the export chained it ({@link JobTally#chain}), over the chunks in numeric offset order.
 */
final class ChunkSet {

    /** One chunk as seen: normally one SHA-256; two or more means the side holds rows of two different reads. */
    static final class Chunk {
        final Set<String> sha256s = new LinkedHashSet<>(1);
        long count;
        long declaredSize = -1;
    }

    private final TreeMap<Long, Chunk> chunks = new TreeMap<>();
    private String badOffset;

    /** Adds one record or document of the chunk; false (and remembered) when the offset is not a number. */
    boolean add(String offsetText, String sha256, String sizeText) {
        long offset;
        try {
            offset = Long.parseLong(offsetText.trim());
        } catch (NumberFormatException | NullPointerException e) {
            if (badOffset == null) {
                badOffset = String.valueOf(offsetText);
            }
            return false;
        }
        Chunk chunk = chunks.computeIfAbsent(offset, o -> new Chunk());
        chunk.sha256s.add(sha256 == null ? "" : sha256);
        chunk.count++;
        if (sizeText != null && chunk.declaredSize < 0) {
            try {
                chunk.declaredSize = Long.parseLong(sizeText.trim());
            } catch (NumberFormatException e) {
                chunk.declaredSize = -1;
            }
        }
        return true;
    }

    Map<Long, Chunk> byOffset() {
        return chunks;
    }

    int size() {
        return chunks.size();
    }

    /** The first chunk offset that was not a number, or null. */
    String badOffset() {
        return badOffset;
    }

    /** The window digest over these chunks: the chain over their SHA-256s in numeric offset order. */
    String digest() {
        String digest = "";
        for (Chunk chunk : chunks.values()) {
            for (String sha : chunk.sha256s) {
                digest = JobTally.chain(digest, sha);
            }
        }
        return digest;
    }

    /** Chunk offsets that carry more than one SHA-256, in order. */
    Set<Long> conflicting() {
        Set<Long> offsets = new LinkedHashSet<>();
        chunks.forEach((offset, chunk) -> {
            if (chunk.sha256s.size() > 1) {
                offsets.add(offset);
            }
        });
        return offsets;
    }

    /** The (offset, sha256) pairs, as {@code offset:sha256} text, for comparing two sides. */
    Set<String> pairs() {
        Set<String> pairs = new LinkedHashSet<>();
        chunks.forEach((offset, chunk) -> chunk.sha256s.forEach(sha -> pairs.add(offset + ":" + sha)));
        return pairs;
    }
}
