package io.cxone.kafka.sink.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import co.elastic.clients.transport.ElasticsearchTransport;
import co.elastic.clients.util.BinaryData;
import io.cxone.kafka.sink.elasticsearch.writer.FakeBulkTransport;
import io.cxone.kafka.sink.elasticsearch.writer.FakeBulkTransport.SentBulk;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.header.Headers;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTaskContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The task with its Elasticsearch side replaced: what it commits, reports, pauses, opens and closes. */
class ElasticsearchSinkTaskTest {

    private static final TopicPartition P0 = new TopicPartition("t", 0);
    private static final TopicPartition P1 = new TopicPartition("t", 1);

    private final FakeBulkTransport transport = new FakeBulkTransport();
    private final FakeConnection connection = new FakeConnection();
    private final FakeContext context = new FakeContext();
    private final List<Map<String, String>> opened = new ArrayList<>();
    private final ElasticsearchSinkTask task = new ElasticsearchSinkTask((config, name) -> {
        opened.add(config.originalsStrings());
        return connection;
    });

    private boolean stopped;

    @AfterEach
    void stop() {
        if (!stopped) {
            task.stop();
        }
    }

    private void start(Map<String, String> overrides) {
        Map<String, String> props = new HashMap<>();
        props.put("name", "es-test");
        props.put("topics", "t");
        props.put("connection.url", "http://127.0.0.1:9200");
        props.put("batch.size", "1");
        props.put("linger.ms", "60000");
        props.put("flush.timeout.ms", "100"); // stop() waits no longer for documents a test left unanswered
        props.putAll(overrides);
        task.initialize(context);
        task.start(props);
    }

    private static SinkRecord record(TopicPartition tp, long offset) {
        return new SinkRecord(
                tp.topic(),
                tp.partition(),
                Schema.STRING_SCHEMA,
                "k" + tp.partition() + "-" + offset,
                null,
                Map.of("n", offset),
                offset);
    }

    private long committed(TopicPartition tp) {
        OffsetAndMetadata offset = task.preCommit(Map.of(P0, new OffsetAndMetadata(0), P1, new OffsetAndMetadata(0)))
                .get(tp);
        return offset == null ? -1 : offset.offset();
    }

    @Test
    void preCommitReturnsOnlyOffsetsWhoseDocumentsWereAcknowledged() throws Exception {
        start(Map.of("max.in.flight.requests", "3"));
        task.put(List.of(record(P0, 0), record(P0, 1), record(P0, 2)));
        SentBulk first = transport.next();
        SentBulk second = transport.next();
        SentBulk third = transport.next();

        first.accept();
        third.accept();
        await().until(() -> committed(P0) == 1);
        second.accept();
        await().until(() -> committed(P0) == 3);

        Map<TopicPartition, OffsetAndMetadata> onlyP1 = task.preCommit(Map.of(P1, new OffsetAndMetadata(0)));
        assertThat(onlyP1).as("only partitions the worker asks about").isEmpty();
    }

    @Test
    void aDocumentElasticsearchRejectsGoesToTheDeadLetterQueueAndItsOffsetCommits() throws Exception {
        start(Map.of("errors.tolerance", "all"));
        task.put(List.of(record(P0, 0)));

        transport.next().answer(400);

        await().until(() -> committed(P0) == 1);
        assertThat(context.reported).singleElement().satisfies(r -> assertThat(r.kafkaOffset())
                .isZero());
    }

    @Test
    void documentsCarryTheListedHeadersAndAValueWithTheirFieldNameGoesToTheDeadLetterQueue() throws Exception {
        start(Map.of(
                "headers.include", "cxone.job.id,cxone.chunk.offset", "errors.tolerance", "all", "key.ignore", "true"));
        Headers headers = new ConnectHeaders()
                .addString("cxone.job.id", "job-1")
                .add("cxone.chunk.offset", 500L, Schema.INT64_SCHEMA);
        SinkRecord plain = new SinkRecord("t", 0, null, null, null, Map.of("n", 0L), 0, null, null, headers);
        SinkRecord colliding =
                new SinkRecord("t", 0, null, null, null, Map.of("kafka_headers", "x"), 1, null, null, headers);

        task.put(List.of(plain, colliding));
        SentBulk sent = transport.next();
        sent.accept();

        BinaryData document =
                (BinaryData) sent.request().operations().get(0).index().document();
        assertThat(StandardCharsets.UTF_8.decode(document.asByteBuffer()).toString())
                .isEqualTo("{\"n\":0,\"kafka_headers\":{\"cxone.job.id\":\"job-1\",\"cxone.chunk.offset\":\"500\"}}");
        await().until(() -> committed(P0) == 2);
        assertThat(context.reported).singleElement().satisfies(r -> assertThat(r.kafkaOffset())
                .isEqualTo(1));
    }

    @Test
    void closedPartitionsAreNoLongerCommitted() throws Exception {
        start(Map.of());
        task.put(List.of(record(P0, 0), record(P1, 0)));
        transport.next();
        transport.next();

        task.close(List.of(P0));

        assertThat(committed(P0)).isEqualTo(-1);
        assertThat(committed(P1)).as("still waiting for its acknowledgement").isZero();
    }

    @Test
    void partitionsPauseAtMaxBufferedRecordsAndResumeAtHalf() throws Exception {
        context.assignment.add(P0);
        start(Map.of("max.buffered.records", "2", "max.in.flight.requests", "2"));
        task.put(List.of(record(P0, 0)));
        assertThat(context.paused).isEmpty();
        task.put(List.of(record(P0, 1)));
        assertThat(context.paused).containsExactly(P0);

        transport.next().accept();
        await().until(() -> committed(P0) == 1);
        task.put(List.of());
        assertThat(context.paused).as("one outstanding, half of the bound").isEmpty();
    }

    @Test
    void startRefusesAnInvalidConfigNamingTheSettingAndOpensNothing() {
        task.initialize(context);
        Map<String, String> props = Map.of(
                "name",
                "es-test",
                "topics",
                "t",
                "connection.url",
                "http://127.0.0.1:9200",
                "connection.password",
                "pw");

        assertThatThrownBy(() -> task.start(props))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("connection.username")
                .message()
                .doesNotContain("pw");
        assertThat(opened).isEmpty();
    }

    @Test
    void stopClosesTheConnectionItOpened() {
        start(Map.of());
        assertThat(opened).hasSize(1);

        task.stop();
        stopped = true;

        assertThat(connection.closed).isTrue();
    }

    private final class FakeConnection implements ElasticsearchConnection {
        volatile boolean closed;

        @Override
        public IndexTargets indices() {
            return new IndexTargets() {
                @Override
                public String prepare(String topic, Long timestamp, Schema valueSchema) {
                    return topic;
                }

                @Override
                public String target(String topic, Long timestamp) {
                    return topic;
                }
            };
        }

        @Override
        public ElasticsearchTransport bulkTransport() {
            return transport;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private static final class FakeContext implements SinkTaskContext {
        final Set<TopicPartition> assignment = new HashSet<>();
        final Set<TopicPartition> paused = new HashSet<>();
        final List<SinkRecord> reported = new ArrayList<>();

        @Override
        public Map<String, String> configs() {
            return Map.of();
        }

        @Override
        public void offset(Map<TopicPartition, Long> offsets) {}

        @Override
        public void offset(TopicPartition tp, long offset) {}

        @Override
        public void timeout(long timeoutMs) {}

        @Override
        public Set<TopicPartition> assignment() {
            return assignment;
        }

        @Override
        public void pause(TopicPartition... partitions) {
            paused.addAll(List.of(partitions));
        }

        @Override
        public void resume(TopicPartition... partitions) {
            List.of(partitions).forEach(paused::remove);
        }

        @Override
        public void requestCommit() {}

        @Override
        public ErrantRecordReporter errantRecordReporter() {
            return (record, error) -> {
                reported.add(record);
                return CompletableFuture.completedFuture(null);
            };
        }

        @Override
        public PluginMetrics pluginMetrics() {
            return null;
        }
    }
}
