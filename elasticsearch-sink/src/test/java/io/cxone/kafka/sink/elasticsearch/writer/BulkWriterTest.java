package io.cxone.kafka.sink.elasticsearch.writer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import co.elastic.clients.elasticsearch.core.bulk.BulkOperation;
import co.elastic.clients.util.BinaryData;
import co.elastic.clients.util.ContentType;
import io.cxone.kafka.sink.elasticsearch.ElasticsearchSinkConfig;
import io.cxone.kafka.sink.elasticsearch.ElasticsearchSinkMetrics;
import io.cxone.kafka.sink.elasticsearch.writer.FakeBulkTransport.SentBulk;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The writer against a fake transport: retries, refusals, rejected items, offsets, flush and close. */
class BulkWriterTest {

    private static final TopicPartition TP = new TopicPartition("t", 0);

    private final FakeBulkTransport transport = new FakeBulkTransport();
    private final OffsetTracker tracker = new OffsetTracker();
    private final ElasticsearchSinkMetrics metrics = new ElasticsearchSinkMetrics(null, tracker::pending);
    private BulkWriter writer;

    @AfterEach
    void closeWriter() {
        if (writer != null) {
            writer.close(Duration.ofMillis(1));
        }
        metrics.close();
    }

    /** A writer that sends a batch when it holds {@code batchSize} documents or on flush (linger far away). */
    private BulkWriter writer(int batchSize, int maxInFlight, int maxRetries) {
        Map<String, String> props = new HashMap<>();
        props.put("connection.url", "http://127.0.0.1:9200");
        props.put("batch.size", String.valueOf(batchSize));
        props.put("max.in.flight.requests", String.valueOf(maxInFlight));
        props.put("max.retries", String.valueOf(maxRetries));
        props.put("linger.ms", "60000");
        props.put("retry.backoff.ms", "1");
        props.put("retry.backoff.max.ms", "5");
        writer = new BulkWriter(
                transport,
                new ElasticsearchSinkConfig(props),
                "test",
                tracker,
                metrics,
                status -> status == 401 ? "set connection.password right" : null);
        return writer;
    }

    private void add(long offset) {
        SinkRecord record = new SinkRecord("t", 0, null, "k" + offset, null, "{}", offset);
        BinaryData source = BinaryData.of("{\"n\":1}".getBytes(StandardCharsets.UTF_8), ContentType.APPLICATION_JSON);
        writer.add(
                record,
                BulkOperation.of(
                        b -> b.index(i -> i.index("idx").id("t+0+" + offset).document(source))),
                null);
    }

    private long committable() {
        OffsetAndMetadata offset = tracker.committable().get(TP);
        return offset == null ? -1 : offset.offset();
    }

    private double metric(String name) {
        return metrics.value(name).orElseThrow();
    }

    @Test
    void aRetryableFailureOfTheWholeBulkIsSentAgainUntilAccepted() throws Exception {
        writer(2, 1, -1);
        add(0);
        add(1);

        transport.next().fail(503);
        transport.next().fail(429);
        SentBulk third = transport.next();
        assertThat(third.size()).isEqualTo(2);
        third.accept();

        await().until(() -> committable() == 2);
        assertThat(writer.fatal()).isNull();
        assertThat(metric("retries-total")).isEqualTo(2);
        assertThat(metric("bulk-requests-total")).isEqualTo(3);
        assertThat(metric("documents-written-total")).isEqualTo(2);
    }

    @Test
    void onlyTheItemsThatFailedForATransientReasonAreSentAgain() throws Exception {
        writer(3, 1, -1);
        add(0);
        add(1);
        add(2);

        transport.next().answer(201, 429, 201);
        // The retried item waits in a new batch: flushed here instead of after the (long) linger.
        SentBulk retry = await().until(
                        () -> {
                            writer.flush();
                            return transport.poll();
                        },
                        Objects::nonNull);
        assertThat(retry.size()).isEqualTo(1);
        assertThat(retry.request().operations().get(0).index().id()).isEqualTo("t+0+1");
        retry.accept();

        await().until(() -> committable() == 3);
        assertThat(metric("documents-written-total")).isEqualTo(3);
    }

    @Test
    void retriesStopAtMaxRetriesWithATaskFailureAndNoCommit() throws Exception {
        writer(1, 1, 1);
        add(0);

        transport.next().fail(503);
        transport.next().fail(503);

        await().until(() -> writer.fatal() != null);
        assertThat(writer.fatal()).hasMessageContaining("max.retries");
        assertThat(metric("bulk-requests-failed-total")).isEqualTo(1);
        assertThat(committable()).isZero();
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 401, 403})
    void aRefusedBulkIsNeverRetriedAndFailsTheTask(int status) throws Exception {
        writer(1, 1, -1);
        add(0);

        transport.next().fail(status);

        await().until(() -> writer.fatal() != null);
        ConnectException fatal = writer.fatal();
        assertThat(fatal).hasMessageContaining("refused a bulk request of 1 documents");
        if (status == 401) {
            assertThat(fatal).hasMessageContaining("set connection.password right");
        }
        assertThat(metric("retries-total")).isZero();
        assertThat(metric("bulk-requests-failed-total")).isEqualTo(1);
        assertThat(committable()).as("the refused document is not committed").isZero();
    }

    @Test
    void rejectedItemsGoToTheTaskAndTheirOffsetsCommitOnceItSettledThem() throws Exception {
        writer(3, 1, -1);
        add(0);
        add(1);
        add(2);

        transport.next().answer(201, 400, 201);

        await().until(() -> metric("documents-written-total") == 2);
        assertThat(committable())
                .as("held by the rejected document until the task settles it")
                .isEqualTo(1);
        List<BulkWriter.Rejected> rejected = writer.drainRejected();
        assertThat(rejected).singleElement().satisfies(r -> {
            assertThat(r.record().kafkaOffset()).isEqualTo(1);
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.reason()).contains("mapper_parsing_exception");
        });
        rejected.forEach(r -> r.acknowledge(tracker));
        assertThat(committable()).isEqualTo(3);
        assertThat(metric("retries-total")).isZero();
    }

    @Test
    void offsetsAdvanceOnlyOverDocumentsElasticsearchAcknowledged() throws Exception {
        writer(1, 3, -1);
        add(0);
        add(1);
        add(2);
        SentBulk first = transport.next();
        SentBulk second = transport.next();
        SentBulk third = transport.next();

        third.accept();
        await().until(() -> metric("documents-written-total") == 1);
        assertThat(committable()).isZero();
        first.accept();
        await().until(() -> metric("documents-written-total") == 2);
        assertThat(committable()).isEqualTo(1);
        second.accept();
        await().until(() -> committable() == 3);
        assertThat(metric("buffered-records")).isZero();
    }

    @Test
    void flushSendsThePartialBatchWithoutWaitingForTheLinger() throws Exception {
        writer(100, 1, -1);
        add(0);

        writer.flush();

        SentBulk bulk = transport.next();
        assertThat(bulk.size()).isEqualTo(1);
    }

    @Test
    void closeWaitsForTheRequestsInFlight() throws Exception {
        writer(1, 1, -1);
        add(0);
        SentBulk inFlight = transport.next();

        Thread closing = new Thread(() -> writer.close(Duration.ofMinutes(1)));
        closing.start();
        await().until(() -> closing.getState() == Thread.State.TIMED_WAITING); // close is waiting for the answer
        inFlight.accept();
        closing.join();

        assertThat(committable())
                .as("the answer was settled before close returned")
                .isEqualTo(1);
        writer = null;
    }
}
