package io.cxone.kafka.sink.elasticsearch;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.apicurio.registry.utils.converter.AvroConverter;
import io.cxone.kafka.testkit.TestServices;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.http.HttpHost;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.RestClient;

/**
 * Throughput of the sink against a raw {@code _bulk} loader on the same local Elasticsearch: same documents, same
 * batch size, same concurrency (the loader runs that many request loops; the sink that many
 * {@code max.in.flight.requests}), same index template (made by the sink's own {@link IndexSetup}). The topic holds
 * Avro values through the schema registry, as the deployed connector reads them ({@code connectors/elasticsearch-sink.json}).
 * Rounds of loader then sink on equal shares of the documents (args: documents, batch size, concurrency, rounds), so
 * the drift of a shared machine hits both alike. Not a test (no timed assertion): run {@code benchmarks/bin/sink-throughput} and read the numbers.
 * Results: docs/benchmarks.md.
 */
public final class SinkBenchmark {

    static final Schema EVENT = SchemaBuilder.struct()
            .name("io.cxone.bench.ContactEvent")
            .field("event_id", Schema.STRING_SCHEMA)
            .field("event_type", Schema.STRING_SCHEMA)
            .field("contact_id", Schema.INT64_SCHEMA)
            .field("skill", Schema.STRING_SCHEMA)
            .field("duration", Schema.INT32_SCHEMA)
            .build();
    private static final String TOPIC = "bench-events";

    private SinkBenchmark() {}

    static Struct event(int i) {
        return new Struct(EVENT)
                .put("event_id", "evt-" + i)
                .put("event_type", "CONTACT_ENDED")
                .put("contact_id", 100_000L + i)
                .put("skill", "sales")
                .put("duration", i % 600);
    }

    /** The document the sink writes for {@link #event(int)}, as the raw loader sends it. */
    static void appendDocument(StringBuilder out, int i) {
        out.append("{\"event_id\":\"evt-")
                .append(i)
                .append("\",\"event_type\":\"CONTACT_ENDED\",\"contact_id\":")
                .append(100_000L + i)
                .append(",\"skill\":\"sales\",\"duration\":")
                .append(i % 600)
                .append('}');
    }

    public static void main(String[] args) throws Exception {
        int documents = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        int concurrency = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 5;
        TestServices.startElasticsearch();
        TestServices.startRegistry();
        EmbeddedConnectCluster connect = TestServices.connect();
        String url = TestServices.elasticsearch().url();
        ElasticsearchQueries.deleteIndices("bench-raw", "bench-sink");
        Map<String, String> avro = TestServices.avroConverter("value.converter");
        connect.kafka().createTopic(TOPIC, 1);
        AvroConverter converter = SinkTestSupport.valueConverter(avro);

        // The loader's index gets the very template the sink puts for its own index.
        try (RestClient rest = RestClient.builder(HttpHost.create(url)).build()) {
            Map<String, String> props =
                    new HashMap<>(Map.of("connection.url", url, "topic.index.map", TOPIC + ":bench-raw"));
            new IndexSetup(rest, new ElasticsearchSinkConfig(props), Optional.empty(), "bench-raw")
                    .prepare(TOPIC, null, EVENT);
        }

        Map<String, String> config = SinkTestSupport.sinkConfig(TOPIC, url);
        config.putAll(avro);
        config.put("topic.index.map", TOPIC + ":bench-sink");
        config.put("batch.size", Integer.toString(batch));
        config.put("max.in.flight.requests", Integer.toString(concurrency));
        config.put("linger.ms", "100");
        config.put("max.buffered.records", Integer.toString(Math.max(20_000, batch * (concurrency + 2))));
        // Consumer fetch settings as the deployed connector has them: polls as large as a bulk request, few round
        // trips.
        config.putAll(shippedConsumerOverrides());
        config.put("consumer.override.max.poll.records", Integer.toString(batch));
        connect.configureConnector("bench-sink", config);
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("bench-sink", 1, "bench sink running");
        pause(connect);

        // Rounds of loader then sink on the same share of the documents, so drift of a shared machine hits both alike.
        // Both clocks stop when Elasticsearch's _count shows every document of the round (same polling for both).
        double rawSeconds = 0;
        double sinkSeconds = 0;
        int perRound = documents / rounds;
        for (int r = 0; r < rounds; r++) {
            int from = r * perRound;
            int to = r == rounds - 1 ? documents : from + perRound;
            double raw = rawLoad(url, "bench-raw", from, to, batch, concurrency);
            produce(connect, converter, from, to);
            long start = System.nanoTime();
            connect.resumeConnector("bench-sink");
            awaitCount("bench-sink", to);
            double sink = (System.nanoTime() - start) / 1e9;
            pause(connect);
            rawSeconds += raw;
            sinkSeconds += sink;
            System.out.printf(
                    "round %d: %d docs  raw %.0f docs/s  sink %.0f docs/s  ratio %.2f%n",
                    r + 1, to - from, (to - from) / raw, (to - from) / sink, raw / sink);
        }
        System.out.printf(
                "raw _bulk loader: %d docs in %.1f s = %.0f docs/s (batch %d, concurrency %d)%n",
                documents, rawSeconds, documents / rawSeconds, batch, concurrency);
        System.out.printf(
                "sink connector:   %d docs in %.1f s = %.0f docs/s (batch.size %d, max.in.flight.requests %d, Avro values)%n",
                documents, sinkSeconds, documents / sinkSeconds, batch, concurrency);
        System.out.printf("ratio sink/raw = %.2f (target >= 0.85)%n", rawSeconds / sinkSeconds);
        System.out.printf(
                "final counts: raw %d, sink %d%n",
                ElasticsearchQueries.count("bench-raw"), ElasticsearchQueries.count("bench-sink"));
        connect.deleteConnector("bench-sink");
        // Stop Connect before the JVM's shutdown hooks run: racing the test kit's own hook can hang the exit.
        connect.stop();
        System.exit(0);
    }

    private static void pause(EmbeddedConnectCluster connect) throws InterruptedException {
        connect.pauseConnector("bench-sink");
        connect.assertions().assertConnectorAndExactlyNumTasksArePaused("bench-sink", 1, "bench sink paused");
    }

    private static void awaitCount(String index, long expected) throws InterruptedException {
        while (ElasticsearchQueries.get("/" + index + "/_count").path("count").asLong(0) < expected) {
            Thread.sleep(100);
        }
    }

    private static void produce(EmbeddedConnectCluster connect, AvroConverter converter, int from, int to) {
        try (KafkaProducer<byte[], byte[]> producer = connect.kafka()
                .createProducer(
                        Map.of(ProducerConfig.LINGER_MS_CONFIG, 20, ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024))) {
            for (int i = from; i < to; i++) {
                producer.send(new ProducerRecord<>(TOPIC, null, converter.fromConnectData(TOPIC, EVENT, event(i))));
            }
        }
    }

    /** {@code concurrency} loops each sending whole batches with ids like the sink's; seconds until all were answered. */
    private static double rawLoad(String url, String index, int from, int to, int batch, int concurrency)
            throws Exception {
        int batches = (to - from + batch - 1) / batch;
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        long start = System.nanoTime();
        try (RestClient rest = RestClient.builder(HttpHost.create(url)).build()) {
            List<Future<?>> loops = new ArrayList<>();
            for (int t = 0; t < concurrency; t++) {
                loops.add(pool.submit(() -> {
                    StringBuilder body = new StringBuilder(batch * 160);
                    for (int b; (b = next.getAndIncrement()) < batches; ) {
                        body.setLength(0);
                        for (int i = from + b * batch; i < Math.min(to, from + (b + 1) * batch); i++) {
                            body.append("{\"index\":{\"_index\":\"")
                                    .append(index)
                                    .append("\",\"_id\":\"")
                                    .append(TOPIC)
                                    .append("+0+")
                                    .append(i)
                                    .append("\"}}\n");
                            appendDocument(body, i);
                            body.append('\n');
                        }
                        Request request = new Request("POST", "/_bulk");
                        request.setJsonEntity(body.toString());
                        rest.performRequest(request);
                    }
                    return null;
                }));
            }
            for (Future<?> loop : loops) {
                loop.get();
            }
        } finally {
            pool.shutdown();
        }
        awaitCount(index, to);
        return (System.nanoTime() - start) / 1e9;
    }

    /** The {@code consumer.override.*} settings of connectors/elasticsearch-sink.json (run from the root or the module). */
    private static Map<String, String> shippedConsumerOverrides() throws java.io.IOException {
        Path file = Files.isRegularFile(Path.of("connectors/elasticsearch-sink.json"))
                ? Path.of("connectors/elasticsearch-sink.json")
                : Path.of("../connectors/elasticsearch-sink.json");
        Map<String, String> overrides = new HashMap<>();
        new ObjectMapper().readTree(file.toFile()).get("config").fields().forEachRemaining(e -> {
            if (e.getKey().startsWith("consumer.override.")) {
                overrides.put(e.getKey(), e.getValue().asText());
            }
        });
        return overrides;
    }
}
