package io.cxone.kafka.reconcile;

import io.cxone.kafka.sink.elasticsearch.DocumentIds;
import io.cxone.kafka.source.export.ChunkPipeline;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.storage.Converter;

/**
 * What Kafka holds of the windows of one data topic: every committed record, grouped by its {@code cxone.job.id} into
 * the window of the manifest that names that job, with the id the sink gives its document
 * ({@link DocumentIds}: topic+partition+offset, or the record key through the sink's key converter). For indices with
 * one document per key, also the newest record of every key in the topic, whatever its window.
 */
final class KafkaWindows {

    /** The records of one window. */
    static final class Records {
        long count;
        final ChunkSet chunks = new ChunkSet();
        /** The document id of each record, in topic order (a key may repeat in a window of key-upserted records). */
        final List<String> ids = new ArrayList<>();
        /** Key ids: the chunk ({@code offset:sha256}) of each id's last record in the window. */
        final Map<String, String> chunkOfId = new HashMap<>();
        /** Partition → the last offset of the window's records there. */
        final Map<Integer, Long> lastOffsets = new HashMap<>();

        long withoutId;
        String idProblem;
    }

    /** Where the newest record of a key is. */
    record Newest(String job, int partition, long offset) {}

    private final SinkTargets.Target target;
    private final Map<String, Records> byJob;
    private final Map<String, Newest> newest = new HashMap<>();
    private final Set<String> jobsSeen = new HashSet<>();
    private final Converter keyConverter;
    private final DocumentIds keyIds = new DocumentIds(false);
    private final Budget budget;
    private long outsideWindows;
    private Map<TopicPartition, Long> end = Map.of();

    /** {@code byJob}: each job id of the topic's manifests → its window's records (one object per window). */
    KafkaWindows(SinkTargets.Target target, Map<String, Records> byJob, Budget budget) {
        this.target = target;
        this.byJob = byJob;
        this.budget = budget;
        this.keyConverter = target.keyIds() ? converter(target.keyConverter()) : null;
    }

    void scan(CommittedTopicReader reader) {
        end = reader.readAll(target.topic(), this::add);
    }

    /** One committed record of the topic, in topic order (visible for testing). */
    void add(ConsumerRecord<byte[], byte[]> record) {
        String job = header(record, ChunkPipeline.HEADER_JOB_ID);
        if (job != null) {
            jobsSeen.add(job);
        }
        Records window = job == null ? null : byJob.get(job);
        if (window == null && !target.keyIds()) {
            outsideWindows++;
            return;
        }
        String id;
        try {
            id = documentId(record);
        } catch (DataException e) {
            if (window != null) {
                window.count++;
                window.withoutId++;
                if (window.idProblem == null) {
                    window.idProblem = e.getMessage();
                }
            }
            return;
        }
        if (target.keyIds()) {
            if (newest.put(id, new Newest(job, record.partition(), record.offset())) == null) {
                budget.take("reading topic " + target.topic());
            }
        }
        if (window == null) {
            outsideWindows++;
            return;
        }
        window.count++;
        String offset = header(record, ChunkPipeline.HEADER_CHUNK_OFFSET);
        String sha = header(record, ChunkPipeline.HEADER_CHUNK_SHA256);
        window.chunks.add(offset, sha, header(record, ChunkPipeline.HEADER_CHUNK_SIZE));
        budget.take("reading topic " + target.topic());
        window.ids.add(id);
        if (target.keyIds()) {
            window.chunkOfId.put(id, offset + ":" + sha);
        }
        window.lastOffsets.merge(record.partition(), record.offset(), Math::max);
    }

    private String documentId(ConsumerRecord<byte[], byte[]> record) {
        if (!target.keyIds()) {
            return DocumentIds.offsetId(sinkRecord(record, null));
        }
        SchemaAndValue key = keyConverter.toConnectData(record.topic(), record.headers(), record.key());
        return keyIds.id(sinkRecord(record, key));
    }

    private static SinkRecord sinkRecord(ConsumerRecord<byte[], byte[]> record, SchemaAndValue key) {
        return new SinkRecord(
                record.topic(),
                record.partition(),
                key == null ? null : key.schema(),
                key == null ? null : key.value(),
                null,
                null,
                record.offset());
    }

    static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static Converter converter(Map<String, String> settings) {
        String className = settings.get("key.converter");
        Converter converter;
        try {
            converter = (Converter)
                    Class.forName(className.trim()).getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new ReconcileException("key.converter " + className + " of the sink cannot be loaded here: " + e);
        }
        Map<String, String> config = new HashMap<>();
        settings.forEach((k, v) -> {
            if (k.startsWith("key.converter.")) {
                config.put(k.substring("key.converter.".length()), v);
            }
        });
        converter.configure(config, true);
        return converter;
    }

    /** Key ids: where the newest record of each key is. */
    Map<String, Newest> newest() {
        return newest;
    }

    /** Every cxone.job.id the topic's records carry. */
    Set<String> jobsSeen() {
        return jobsSeen;
    }

    /** Committed records of the topic in no window with a manifest (jobs in progress, or without headers). */
    long outsideWindows() {
        return outsideWindows;
    }

    /** The last stable offset of each partition the scan read up to. */
    Map<TopicPartition, Long> end() {
        return end;
    }
}
