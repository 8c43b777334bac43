package io.cxone.kafka.reconcile;

import io.cxone.kafka.reconcile.ElasticsearchDocuments.Document;
import io.cxone.kafka.reconcile.WindowResult.Status;
import io.cxone.kafka.source.export.ChunkPipeline;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compares one window: the manifest against what Kafka holds (rows, chunks, digest, each chunk's declared size), and
 * Kafka against what Elasticsearch holds (document ids both ways, the digest or the chunks of the documents). For
 * indices with one document per key, a key whose newest version is in a later window is superseded, not missing.
 */
final class WindowComparison {

    /**
     * What Elasticsearch holds of one index, grouped by job id once for all its windows.
     *
     * @param exists false when the index does not exist
     */
    record IndexView(boolean exists, Map<String, Document> byId, Map<String, List<String>> idsByJob) {

        static IndexView of(ElasticsearchDocuments.IndexDocuments documents) {
            Map<String, List<String>> byJob = new HashMap<>();
            documents.byId().forEach((id, doc) -> byJob.computeIfAbsent(doc.job(), j -> new ArrayList<>())
                    .add(id));
            return new IndexView(documents.exists(), documents.byId(), byJob);
        }
    }

    private final int maxIds;

    WindowComparison(int maxIds) {
        this.maxIds = maxIds;
    }

    /**
     * @param index     what Elasticsearch holds of the target's index; null when it was not read (see target problem)
     * @param committed the sink group's committed offset per partition of the topic; empty when unknown
     */
    WindowResult compare(
            WindowManifest manifest,
            SinkTargets.Target target,
            KafkaWindows.Records records,
            KafkaWindows kafka,
            IndexView index,
            Map<Integer, Long> committed,
            List<String> extraProblems) {
        List<String> problems = new ArrayList<>(extraProblems);
        // ---- the manifest against Kafka
        if (records.withoutId > 0) {
            problems.add(records.withoutId + " records of the window have no document id: " + records.idProblem);
        }
        if (records.count != manifest.rows()) {
            problems.add("Kafka holds " + records.count + " records of the window, the manifest says " + manifest.rows()
                    + " rows");
        }
        ChunkSet chunks = records.chunks;
        if (chunks.size() != manifest.chunks()) {
            problems.add(
                    "Kafka holds " + chunks.size() + " chunks of the window, the manifest says " + manifest.chunks());
        }
        if (chunks.badOffset() != null) {
            problems.add("a record's " + ChunkPipeline.HEADER_CHUNK_OFFSET + " is not a number: " + chunks.badOffset());
        }
        for (long offset : first(chunks.conflicting())) {
            problems.add("the chunk at row offset " + offset + " carries more than one SHA-256 in Kafka: "
                    + chunks.byOffset().get(offset).sha256s);
        }
        int shortChunks = 0;
        for (Map.Entry<Long, ChunkSet.Chunk> e : chunks.byOffset().entrySet()) {
            ChunkSet.Chunk chunk = e.getValue();
            if (chunk.declaredSize >= 0 && chunk.count != chunk.declaredSize && shortChunks++ < maxIds) {
                problems.add("the chunk at row offset " + e.getKey() + " has " + chunk.count + " records in Kafka, its "
                        + ChunkPipeline.HEADER_CHUNK_SIZE + " says " + chunk.declaredSize);
            }
        }
        String kafkaDigest = chunks.digest();
        boolean digestOk = kafkaDigest.equals(manifest.digest());
        if (!digestOk) {
            problems.add("the digest recomputed from the chunks in Kafka is " + kafkaDigest + ", the manifest's is "
                    + manifest.digest());
        }
        boolean kafkaAgrees = problems.isEmpty();

        // ---- Kafka against Elasticsearch
        if (target.problem() != null || index == null) {
            problems.add(target.problem() != null ? target.problem() : "Elasticsearch was not read");
            return new WindowResult(
                    manifest,
                    target.index(),
                    target.keyIds(),
                    records.count,
                    null,
                    null,
                    null,
                    kafkaDigest,
                    null,
                    digestOk,
                    Status.MISMATCH,
                    List.of(),
                    0,
                    List.of(),
                    0,
                    problems);
        }
        Set<String> inEs = new LinkedHashSet<>();
        ChunkSet esChunks = new ChunkSet();
        for (String job : manifest.jobs()) {
            for (String id : index.idsByJob().getOrDefault(job, List.of())) {
                if (inEs.add(id)) {
                    Document doc = index.byId().get(id);
                    esChunks.add(doc.chunkOffset(), doc.sha256(), null);
                }
            }
        }
        Set<String> expected = new LinkedHashSet<>();
        Set<String> keys = new LinkedHashSet<>(records.ids);
        Long superseded = null;
        if (target.keyIds()) {
            long later = 0;
            for (String key : keys) {
                KafkaWindows.Newest newest = kafka.newest().get(key);
                if (newest != null && manifest.jobs().contains(newest.job())) {
                    expected.add(key);
                } else {
                    later++;
                }
            }
            superseded = later;
        } else {
            expected.addAll(keys);
        }
        List<String> missing = new ArrayList<>();
        List<String> supersededSince = new ArrayList<>();
        for (String id : expected) {
            if (!inEs.contains(id)) {
                Document doc = index.byId().get(id);
                if (target.keyIds() && doc != null && !kafka.jobsSeen().contains(doc.job())) {
                    // overwritten since Kafka was read, by a version of a job that was not committed then
                    supersededSince.add(id);
                } else {
                    missing.add(id);
                }
            }
        }
        if (!supersededSince.isEmpty()) {
            supersededSince.forEach(expected::remove);
            superseded += supersededSince.size();
        }
        List<String> extra = new ArrayList<>();
        for (String id : inEs) {
            if (!expected.contains(id)) {
                extra.add(id);
            }
        }
        String esDigest = null;
        boolean esChunksOk;
        if (target.keyIds()) {
            Set<String> expectedPairs = new LinkedHashSet<>();
            for (String id : expected) {
                expectedPairs.add(records.chunkOfId.get(id));
            }
            esChunksOk = esChunks.pairs().equals(expectedPairs);
            if (!esChunksOk && missing.isEmpty() && extra.isEmpty()) {
                problems.add("the chunks of the window's documents in Elasticsearch (" + esChunks.size()
                        + ") are not those of the newest versions in Kafka (" + expectedPairs.size() + ")");
            }
        } else {
            esDigest = esChunks.digest();
            esChunksOk = esDigest.equals(manifest.digest());
            if (!esChunksOk) {
                problems.add("the digest recomputed from the chunks in Elasticsearch is " + esDigest
                        + ", the manifest's is " + manifest.digest());
            }
            int listed = 0;
            for (Map.Entry<Long, ChunkSet.Chunk> e : chunks.byOffset().entrySet()) {
                ChunkSet.Chunk es = esChunks.byOffset().get(e.getKey());
                long esCount = es == null ? 0 : es.count;
                if (esCount != e.getValue().count && listed++ < maxIds) {
                    problems.add("the chunk at row offset " + e.getKey() + " has " + e.getValue().count
                            + " records in Kafka and " + esCount + " documents in Elasticsearch");
                }
            }
        }
        digestOk &= esChunksOk;
        if (!index.exists() && !expected.isEmpty()) {
            problems.add("index " + target.index() + " does not exist in Elasticsearch");
        }
        if (!missing.isEmpty()) {
            problems.add("Elasticsearch lacks " + missing.size() + " document(s) of the window: " + listing(missing));
        }
        if (!extra.isEmpty()) {
            problems.add((target.keyIds()
                            ? "Elasticsearch holds this window's version of " + extra.size()
                                    + " document(s) whose newest version in Kafka is elsewhere: "
                            : "Elasticsearch holds " + extra.size() + " document(s) of the window whose record Kafka"
                                    + " does not hold: ")
                    + listing(extra));
        }
        Status status = problems.isEmpty()
                ? Status.OK
                : kafkaAgrees && sinkBehind(target, records, kafka, expected, committed)
                        ? Status.SINK_BEHIND
                        : Status.MISMATCH;
        if (status == Status.SINK_BEHIND) {
            problems.add("the sink (consumer group " + target.groupId() + ") has not acknowledged all of the window's"
                    + " records yet: run again once it has caught up");
        }
        return new WindowResult(
                manifest,
                target.index(),
                target.keyIds(),
                records.count,
                (long) inEs.size(),
                (long) expected.size(),
                superseded,
                kafkaDigest,
                esDigest,
                digestOk,
                status,
                first(missing),
                missing.size(),
                first(extra),
                extra.size(),
                problems);
    }

    /**
     * Whether the sink's committed offsets are not yet past the records Elasticsearch should show for the window:
     * its own records, or (key ids) the newest versions of its keys. Unknown offsets say nothing.
     */
    private static boolean sinkBehind(
            SinkTargets.Target target,
            KafkaWindows.Records records,
            KafkaWindows kafka,
            Set<String> expected,
            Map<Integer, Long> committed) {
        if (committed.isEmpty()) {
            return false;
        }
        Map<Integer, Long> last = new HashMap<>(records.lastOffsets);
        if (target.keyIds()) {
            for (String key : new LinkedHashSet<>(records.ids)) {
                KafkaWindows.Newest newest = kafka.newest().get(key);
                if (newest != null) {
                    last.merge(newest.partition(), newest.offset(), Math::max);
                }
            }
        }
        for (Map.Entry<Integer, Long> e : last.entrySet()) {
            Long done = committed.get(e.getKey());
            if (done == null || done <= e.getValue()) {
                return true;
            }
        }
        return false;
    }

    private <T> List<T> first(java.util.Collection<T> all) {
        return all.stream().limit(maxIds).toList();
    }

    private String listing(List<String> ids) {
        String shown = String.join(", ", first(ids));
        return ids.size() > maxIds ? shown + ", ... (first " + maxIds + ")" : shown;
    }
}
