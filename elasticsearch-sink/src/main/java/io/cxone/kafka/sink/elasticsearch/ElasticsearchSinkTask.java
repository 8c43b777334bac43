package io.cxone.kafka.sink.elasticsearch;

import co.elastic.clients.elasticsearch.core.bulk.BulkOperation;
import co.elastic.clients.elasticsearch.core.bulk.BulkOperationBase;
import co.elastic.clients.util.BinaryData;
import co.elastic.clients.util.ContentType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cxone.kafka.common.PluginVersion;
import io.cxone.kafka.sink.elasticsearch.ElasticsearchSinkConfig.MalformedDocumentBehavior;
import io.cxone.kafka.sink.elasticsearch.ElasticsearchSinkConfig.WriteMethod;
import io.cxone.kafka.sink.elasticsearch.client.ElasticsearchClients;
import io.cxone.kafka.sink.elasticsearch.mapping.DocumentWriter;
import io.cxone.kafka.sink.elasticsearch.mapping.HeaderFields;
import io.cxone.kafka.sink.elasticsearch.writer.BulkWriter;
import io.cxone.kafka.sink.elasticsearch.writer.OffsetTracker;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns records into bulk operations and commits only what Elasticsearch acknowledged.
 *
 * <p>{@code put()} prepares the target index (template, ILM) for the whole batch first, so a transient failure
 * there redelivers the batch untouched; then it queues one operation per record on the {@link BulkWriter}. Offsets
 * reach {@code preCommit()} only once their documents are acknowledged (or settled as malformed), so nothing is
 * lost while Elasticsearch is down: the task keeps retrying and stays RUNNING, and pauses its partitions while more
 * than {@code max.buffered.records} documents are outstanding, which bounds memory.
 *
 * <p>Elasticsearch is reached through an {@link ElasticsearchConnection} opened in {@code start()} (index preparation
 * and the bulk transport) and closed in {@code stop()}; unit tests hand the task a fake one.
 */
public class ElasticsearchSinkTask extends SinkTask {

    private static final Logger log = LoggerFactory.getLogger(ElasticsearchSinkTask.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final ElasticsearchConfigValidator VALIDATOR = new ElasticsearchConfigValidator();

    private final BiFunction<ElasticsearchSinkConfig, String, ElasticsearchConnection> connections;
    private ElasticsearchSinkConfig config;
    private String connectorName;
    private ElasticsearchConnection connection;
    private IndexTargets indices;
    private DocumentIds ids;
    private HeaderFields headers;
    private DocumentWriter documents;
    private OffsetTracker tracker;
    private ElasticsearchSinkMetrics metrics;
    private BulkWriter writer;
    private ErrantRecordReporter reporter;
    private boolean paused;

    public ElasticsearchSinkTask() {
        this(ElasticsearchConnection::open);
    }

    /** With the Elasticsearch side opened by {@code connections} (config, connector name): fakes in unit tests. */
    ElasticsearchSinkTask(BiFunction<ElasticsearchSinkConfig, String, ElasticsearchConnection> connections) {
        this.connections = connections;
    }

    @Override
    public void start(Map<String, String> props) {
        config = VALIDATOR.parseValid(props);
        connectorName = props.getOrDefault("name", "elasticsearch-sink");
        connection = connections.apply(config, connectorName);
        indices = connection.indices();
        ids = new DocumentIds(config.keyIgnore());
        headers = HeaderFields.of(config, connectorName);
        documents = new DocumentWriter(config.decimalMapping(), headers);
        tracker = new OffsetTracker();
        metrics = new ElasticsearchSinkMetrics(context.pluginMetrics(), tracker::pending);
        // Here, on the thread Connect gave the task's logging context: the writer's threads carry it.
        writer = new BulkWriter(
                connection.bulkTransport(),
                config,
                connectorName,
                tracker,
                metrics,
                status -> status == 401 || status == 403 ? ElasticsearchClients.rejected(config, status) : null);
        try {
            reporter = context.errantRecordReporter();
        } catch (NoSuchMethodError | NoClassDefFoundError e) {
            reporter = null; // a worker older than Kafka 2.6
        }
        log.info(
                "connector {}: task started, writing to {} (batch.size={}, max.in.flight.requests={}, max.retries={}, dlq={})",
                connectorName,
                config.connectionUrls(),
                config.batchSize(),
                config.maxInFlightRequests(),
                config.maxRetries() < 0 ? "forever" : config.maxRetries(),
                reporter != null && config.errorsToleranceAll());
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        settle();
        if (!records.isEmpty()) {
            // Indices first, for the whole batch: a RetriableException here redelivers the batch with nothing queued.
            List<String> targets = new ArrayList<>(records.size());
            for (SinkRecord record : records) {
                targets.add(
                        record.value() == null
                                ? indices.target(record.topic(), record.timestamp())
                                : indices.prepare(record.topic(), record.timestamp(), record.valueSchema()));
            }
            int i = 0;
            for (SinkRecord record : records) {
                write(record, targets.get(i++));
            }
        }
        applyBackpressure();
    }

    private void write(SinkRecord record, String index) {
        TopicPartition tp = new TopicPartition(record.topic(), record.kafkaPartition());
        BulkOperation operation;
        try {
            operation = operation(record, index);
        } catch (DataException e) {
            tracker.track(tp, record.kafkaOffset());
            reject(new BulkWriter.Rejected(record, 0, e.getMessage()));
            return;
        }
        if (operation == null) {
            tracker.skip(tp, record.kafkaOffset());
        } else {
            writer.add(record, operation, config.keyIgnore() ? null : document(operation));
        }
    }

    /** The bulk operation of a record; null when there is nothing to write. */
    BulkOperation operation(SinkRecord record, String index) {
        if (record.value() == null) {
            switch (config.nullValueBehavior()) {
                case IGNORE -> {
                    return null;
                }
                case DELETE -> {
                    String id = ids.id(record);
                    return BulkOperation.of(b -> b.delete(d -> d.index(index).id(id)));
                }
                default ->
                    throw new ConnectException("connector " + connectorName + ": record " + DocumentIds.offsetId(record)
                            + " has a null value and behavior.on.null.values=fail");
            }
        }
        String id = ids.id(record);
        byte[] json = documents.toJson(record.valueSchema(), record.value(), headers.values(record));
        if (config.writeMethod() == WriteMethod.UPSERT) {
            JsonNode doc;
            try {
                doc = JSON.readTree(json);
            } catch (IOException e) {
                throw new DataException("cannot re-read document of " + DocumentIds.offsetId(record), e);
            }
            return BulkOperation.of(
                    b -> b.update(u -> u.index(index).id(id).retryOnConflict(3).action(a -> a.doc(doc)
                            .docAsUpsert(true))));
        }
        BinaryData source = BinaryData.of(json, ContentType.APPLICATION_JSON);
        return BulkOperation.of(b -> b.index(o -> o.index(index).id(id).document(source)));
    }

    /**
     * Index and id of the document an operation writes. Ids from keys repeat, so the writer keeps the operations on
     * one document in record order; ids from offsets never repeat and need no such bookkeeping.
     */
    private static String document(BulkOperation operation) {
        BulkOperationBase target = (BulkOperationBase) operation._get();
        return target.index() + '/' + target.id();
    }

    /** Fails on a fatal writer error; handles rejected documents on this thread (the reporter's thread). */
    private void settle() {
        ConnectException fatal = writer.fatal();
        if (fatal != null) {
            throw fatal;
        }
        for (BulkWriter.Rejected rejected : writer.drainRejected()) {
            reject(rejected);
        }
    }

    private void reject(BulkWriter.Rejected rejected) {
        SinkRecord record = rejected.record();
        String where = DocumentIds.offsetId(record);
        boolean deadLettered = config.errorsToleranceAll() && reporter != null;
        metrics.documentRejected(deadLettered);
        if (deadLettered) {
            reporter.report(
                    record,
                    new DataException("Elasticsearch rejected the document of " + where + ": " + rejected.reason()));
            log.warn(
                    "connector {}: document of {} rejected ({}), sent to the dead letter queue",
                    connectorName,
                    where,
                    rejected.reason());
        } else if (config.malformedDocumentBehavior() == MalformedDocumentBehavior.FAIL) {
            throw new ConnectException("connector " + connectorName + ": Elasticsearch rejected the document of "
                    + where + ": " + rejected.reason() + " (behavior.on.malformed.documents=fail)");
        } else if (config.malformedDocumentBehavior() == MalformedDocumentBehavior.WARN) {
            log.warn("connector {}: document of {} rejected and skipped: {}", connectorName, where, rejected.reason());
        } else {
            log.debug("connector {}: document of {} rejected and ignored: {}", connectorName, where, rejected.reason());
        }
        rejected.acknowledge(tracker);
    }

    private void applyBackpressure() {
        int pending = tracker.pending();
        if (!paused && pending >= config.maxBufferedRecords()) {
            paused = true;
            context.pause(context.assignment().toArray(TopicPartition[]::new));
            log.warn(
                    "connector {}: {} documents not yet acknowledged by Elasticsearch (max.buffered.records={}; {} of them wait for an "
                            + "earlier write to the same document); pausing {} partitions",
                    connectorName,
                    pending,
                    config.maxBufferedRecords(),
                    writer.waitingForEarlierOperations(),
                    context.assignment().size());
        } else if (paused && pending <= config.maxBufferedRecords() / 2) {
            paused = false;
            context.resume(context.assignment().toArray(TopicPartition[]::new));
            log.info("connector {}: {} documents outstanding; resuming partitions", connectorName, pending);
        }
    }

    @Override
    public Map<TopicPartition, OffsetAndMetadata> preCommit(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        settle();
        writer.flush();
        Map<TopicPartition, OffsetAndMetadata> committable = new HashMap<>();
        tracker.committable().forEach((tp, offset) -> {
            if (currentOffsets.containsKey(tp)) {
                committable.put(tp, offset);
            }
        });
        return committable;
    }

    @Override
    public void flush(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        writer.flush();
    }

    @Override
    public void close(Collection<TopicPartition> partitions) {
        if (tracker != null) {
            tracker.remove(partitions);
        }
    }

    @Override
    public void stop() {
        if (writer != null) {
            writer.close(config.flushTimeout());
        }
        if (connection != null) {
            connection.close();
        }
        if (metrics != null) {
            metrics.close();
        }
        log.info("connector {}: task stopped", connectorName);
    }

    @Override
    public String version() {
        return PluginVersion.get();
    }
}
