package io.cxone.kafka.sink.elasticsearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.apicurio.registry.utils.converter.AvroConverter;
import io.cxone.kafka.source.export.TaskHostKiller;
import io.cxone.kafka.stack.HttpProbe;
import io.cxone.kafka.testkit.StackCluster;
import io.cxone.kafka.testkit.TestServices;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The Elasticsearch sink across SIGKILLed workers: a producer writes Avro events (through the registry) to a
 * replicated topic at a steady rate while the sink indexes them; the worker running the sink's task is killed with
 * SIGKILL {@code kills} times, each time once the index has grown since the last, at a random moment, and started again
 * once the group has moved the task. Afterwards every acknowledged record must have its document (id
 * {@code topic+partition+offset}, as the sink names them with {@code key.ignore}) exactly once, and no other document
 * may exist.
 */
public final class SinkWorkerKillRun {

    public record Settings(int kills, int recordsPerSecond, int partitions, int replicationFactor, long seed) {}

    public record Result(int kills, long records, long documents, long missing, long extra) {
        public boolean exact() {
            return missing == 0 && extra == 0 && documents == records;
        }

        public String line() {
            return "kills=" + kills + " records=" + records + " documents=" + documents + " missing=" + missing
                    + " extra=" + extra;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int SCROLL_PAGE = 10_000;

    private final StackCluster cluster;
    private final Settings settings;
    private final Random random;

    public SinkWorkerKillRun(StackCluster cluster, Settings settings) {
        this.cluster = cluster;
        this.settings = settings;
        this.random = new Random(settings.seed());
    }

    public Result run() throws Exception {
        String suffix = Long.toString(System.currentTimeMillis(), 36);
        String topic = "sink-kill-" + suffix;
        String index = topic;
        String connector = "sink-kill-" + suffix;
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
            admin.createTopics(java.util.List.of(
                            new NewTopic(topic, settings.partitions(), (short) settings.replicationFactor())))
                    .all()
                    .get();
        }
        Map<String, String> avro = TestServices.avroConverter("value.converter");
        Map<String, String> config =
                SinkTestSupport.sinkConfig(topic, TestServices.elasticsearch().url());
        config.putAll(avro);
        config.put("topic.index.map", topic + ":" + index);
        config.put("tasks.max", "1");
        var deployed = HttpProbe.put(
                cluster.liveWorker().url() + "/connectors/" + connector + "/config", JSON.writeValueAsString(config));
        if (deployed.statusCode() >= 300) {
            throw new IllegalStateException(
                    "deploying " + connector + " answered " + deployed.statusCode() + ": " + deployed.body());
        }

        Set<String> expectedIds = ConcurrentHashMap.newKeySet();
        AtomicBoolean producing = new AtomicBoolean(true);
        AtomicReference<Exception> producerFailure = new AtomicReference<>();
        Thread producer = new Thread(
                () -> produce(topic, SinkTestSupport.valueConverter(avro), expectedIds, producing, producerFailure),
                "sink-kill-producer");
        producer.start();

        TaskHostKiller killer = new TaskHostKiller(cluster, connector, true);
        int kills = 0;
        try {
            for (int kill = 1; kill <= settings.kills(); kill++) {
                long before = ElasticsearchQueries.count(index);
                awaitIndexGrowth(index, before);
                Thread.sleep(random.nextInt(2000));
                killer.kill();
                kills++;
                log("kill " + kill + " of " + killer.killed().get(kills - 1) + " at "
                        + ElasticsearchQueries.count(index) + " documents, " + expectedIds.size()
                        + " records acknowledged");
                killer.start(); // the task moved to the survivor; the killed worker runs again
            }
            // index a while more on the last placement, then stop producing
            awaitIndexGrowth(index, ElasticsearchQueries.count(index));
        } finally {
            producing.set(false);
            producer.join();
        }
        if (producerFailure.get() != null) {
            throw new IllegalStateException("producer failed", producerFailure.get());
        }
        long records = expectedIds.size();
        awaitStableCount(index, records);
        Result result = compare(index, expectedIds, kills);
        HttpProbe.put(cluster.liveWorker().url() + "/connectors/" + connector + "/stop", "");
        return result;
    }

    /** Sends Avro events at the configured rate; the id of each acknowledged record's document goes to {@code ids}. */
    private void produce(
            String topic,
            AvroConverter converter,
            Set<String> ids,
            AtomicBoolean producing,
            AtomicReference<Exception> failure) {
        Map<String, Object> props = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                cluster.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true,
                ProducerConfig.LINGER_MS_CONFIG,
                20,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class);
        long perTick = Math.max(1, settings.recordsPerSecond() / 10);
        int i = 0;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            long next = System.nanoTime();
            while (producing.get()) {
                for (int n = 0; n < perTick; n++, i++) {
                    byte[] value = converter.fromConnectData(topic, SinkBenchmark.EVENT, SinkBenchmark.event(i));
                    producer.send(new ProducerRecord<>(topic, null, value), (metadata, e) -> {
                        if (e == null) {
                            ids.add(metadata.topic() + "+" + metadata.partition() + "+" + metadata.offset());
                        } else {
                            failure.compareAndSet(null, e);
                        }
                    });
                }
                next += TimeUnit.MILLISECONDS.toNanos(100);
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
            }
            producer.flush();
        } catch (Exception e) {
            failure.compareAndSet(null, e);
        }
    }

    private static void awaitIndexGrowth(String index, long before) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (ElasticsearchQueries.count(index) <= before) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(index + " did not grow beyond " + before + " documents in 3 minutes");
            }
            Thread.sleep(500);
        }
    }

    /** Until the index holds {@code records} documents and stays so for 10 s (a late duplicate would come after). */
    private static void awaitStableCount(String index, long records) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        long last = -1;
        long since = System.nanoTime();
        while (System.nanoTime() < deadline) {
            long now = ElasticsearchQueries.count(index);
            if (now != last) {
                last = now;
                since = System.nanoTime();
            } else if (now >= records && System.nanoTime() - since > TimeUnit.SECONDS.toNanos(10)) {
                return;
            }
            Thread.sleep(500);
        }
        log(index + " did not settle at " + records + " documents within 5 minutes (last " + last + ")");
    }

    /** Every document id in the index (a scroll in index order), against the acknowledged records' ids. */
    private static Result compare(String index, Set<String> expectedIds, int kills) {
        ElasticsearchQueries.call("POST", "/" + index + "/_refresh", null);
        Set<String> found = new HashSet<>();
        long documents = 0;
        long extra = 0;
        JsonNode page = ElasticsearchQueries.call(
                "POST",
                "/" + index + "/_search?scroll=1m",
                "{\"size\":" + SCROLL_PAGE + ",\"_source\":false,\"sort\":[\"_doc\"]}");
        String scrollId = page.path("_scroll_id").asText();
        while (page.path("hits").path("hits").size() > 0) {
            for (JsonNode hit : page.path("hits").path("hits")) {
                documents++;
                String id = hit.path("_id").asText();
                if (!found.add(id) || !expectedIds.contains(id)) {
                    extra++; // a second document for a record, or one for no acknowledged record
                }
            }
            page = ElasticsearchQueries.call(
                    "POST", "/_search/scroll", "{\"scroll\":\"1m\",\"scroll_id\":\"" + scrollId + "\"}");
            scrollId = page.path("_scroll_id").asText(scrollId);
        }
        ElasticsearchQueries.call("DELETE", "/_search/scroll", "{\"scroll_id\":\"" + scrollId + "\"}");
        long missing = expectedIds.stream().filter(id -> !found.contains(id)).count();
        return new Result(kills, expectedIds.size(), documents, missing, extra);
    }

    private static void log(String message) {
        System.err.println("sink-worker-kill: " + message);
    }
}
