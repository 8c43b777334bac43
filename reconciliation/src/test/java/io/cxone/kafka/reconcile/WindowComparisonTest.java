package io.cxone.kafka.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxone.kafka.reconcile.ElasticsearchDocuments.Document;
import io.cxone.kafka.reconcile.WindowResult.Status;
import io.cxone.kafka.source.export.ChunkPipeline;
import io.cxone.kafka.source.export.JobTally;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.storage.StringConverter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Windows of a topic indexed one document per key: a key whose newest version is in a later window counts as
 * superseded in the earlier one, not missing; a document left with an older version, or lost, is named.
 */
class WindowComparisonTest {

    private static final String TOPIC = "cxone.reporting.contacts.completed";
    private static final String SHA1 = "1".repeat(64);
    private static final String SHA2 = "2".repeat(64);

    private final SinkTargets.Target target = new SinkTargets.Target(
            TOPIC,
            "contacts",
            true,
            "kafka_headers",
            "sink",
            "connect-sink",
            Map.of("key.converter", StringConverter.class.getName()),
            null);
    private final WindowManifest first = manifest("range-1", 3, SHA1);
    private final WindowManifest second = manifest("range-2", 1, SHA2);
    private final Map<String, KafkaWindows.Records> byJob = new HashMap<>();
    private KafkaWindows kafka;
    private long offset;

    @BeforeEach
    void topic() {
        byJob.put("range-1", new KafkaWindows.Records());
        byJob.put("range-2", new KafkaWindows.Records());
        kafka = new KafkaWindows(target, byJob, new Budget(1000));
        // range-1 writes contacts a, b, c; range-2 a newer version of b
        record("a", "range-1", SHA1);
        record("b", "range-1", SHA1);
        record("c", "range-1", SHA1);
        record("b", "range-2", SHA2);
    }

    @Test
    void aKeyOverwrittenByALaterWindowIsSupersededNotMissing() {
        Map<String, Document> es = new LinkedHashMap<>();
        es.put("a", new Document("range-1", "0", SHA1));
        es.put("b", new Document("range-2", "0", SHA2));
        es.put("c", new Document("range-1", "0", SHA1));

        WindowResult one = compare(first, es);
        WindowResult two = compare(second, es);

        assertThat(one.status()).as("%s", one.problems()).isEqualTo(Status.OK);
        assertThat(one.kafkaRecords()).isEqualTo(3);
        assertThat(one.esDocuments()).isEqualTo(2);
        assertThat(one.esExpected()).isEqualTo(2);
        assertThat(one.superseded()).isEqualTo(1);
        assertThat(one.digestOk()).isTrue();
        assertThat(two.status()).as("%s", two.problems()).isEqualTo(Status.OK);
        assertThat(two.superseded()).isZero();
    }

    @Test
    void aDocumentLeftWithAnOlderVersionIsNamedInBothWindows() {
        Map<String, Document> es = new LinkedHashMap<>();
        es.put("a", new Document("range-1", "0", SHA1));
        es.put("b", new Document("range-1", "0", SHA1)); // the newer version from range-2 never arrived
        es.put("c", new Document("range-1", "0", SHA1));

        WindowResult one = compare(first, es);
        WindowResult two = compare(second, es);

        assertThat(one.status()).isEqualTo(Status.MISMATCH);
        assertThat(one.extraIds()).containsExactly("b");
        assertThat(one.problems())
                .contains("Elasticsearch holds this window's version of 1 document(s) whose newest version in Kafka is"
                        + " elsewhere: b");
        assertThat(two.status()).isEqualTo(Status.MISMATCH);
        assertThat(two.missingIds()).containsExactly("b");
        assertThat(two.digestOk()).as("range-2's chunk has no document").isFalse();
    }

    @Test
    void aVersionWrittenAfterKafkaWasReadSupersedesAndALostDocumentIsMissing() {
        Map<String, Document> es = new LinkedHashMap<>();
        es.put("b", new Document("range-3", "0", "3".repeat(64))); // a pass committed after the read
        es.put("c", new Document("range-1", "0", SHA1));

        WindowResult one = compare(first, es);
        WindowResult two = compare(second, es);

        assertThat(two.status()).as("%s", two.problems()).isEqualTo(Status.OK);
        assertThat(two.superseded()).isEqualTo(1);
        assertThat(one.status()).isEqualTo(Status.MISMATCH);
        assertThat(one.missingIds()).containsExactly("a");
    }

    @Test
    void aSinkNotPastTheWindowsRecordsIsBehindNotMismatched() {
        Map<String, Document> es = new LinkedHashMap<>();
        es.put("a", new Document("range-1", "0", SHA1));
        es.put("b", new Document("range-1", "0", SHA1));

        WindowResult one = new WindowComparison(10)
                .compare(first, target, byJob.get("range-1"), kafka, view(es), Map.of(0, 3L), List.of());

        assertThat(one.status())
                .as("the sink committed up to offset 3, b's newest is at 3")
                .isEqualTo(Status.SINK_BEHIND);
    }

    private WindowResult compare(WindowManifest manifest, Map<String, Document> es) {
        return new WindowComparison(10)
                .compare(manifest, target, byJob.get(manifest.job()), kafka, view(es), Map.of(0, 4L), List.of());
    }

    private static WindowComparison.IndexView view(Map<String, Document> es) {
        return WindowComparison.IndexView.of(new ElasticsearchDocuments.IndexDocuments(true, es));
    }

    private void record(String key, String job, String sha) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(ChunkPipeline.HEADER_JOB_ID, job.getBytes(StandardCharsets.UTF_8));
        headers.add(ChunkPipeline.HEADER_CHUNK_OFFSET, "0".getBytes(StandardCharsets.UTF_8));
        headers.add(ChunkPipeline.HEADER_CHUNK_SHA256, sha.getBytes(StandardCharsets.UTF_8));
        kafka.add(new ConsumerRecord<>(
                TOPIC,
                0,
                offset++,
                0L,
                TimestampType.CREATE_TIME,
                -1,
                -1,
                key.getBytes(StandardCharsets.UTF_8),
                new byte[] {1},
                headers,
                java.util.Optional.empty()));
    }

    private static WindowManifest manifest(String job, long rows, String sha) {
        return new WindowManifest(
                "reporting/contacts/completed/" + job,
                "reporting",
                "contacts/completed",
                job,
                List.of(job),
                TOPIC,
                rows,
                1,
                0L,
                0L,
                JobTally.chain("", sha),
                Instant.parse("2026-12-01T00:00:00Z"),
                0,
                0);
    }
}
