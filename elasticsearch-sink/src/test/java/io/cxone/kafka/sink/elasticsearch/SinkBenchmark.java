package io.cxone.kafka.sink.elasticsearch;

import io.cxone.kafka.stack.TestServices;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.apache.http.HttpHost;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.RestClient;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Throughput of the sink against a raw {@code _bulk} loader on the same local Elasticsearch, same documents, same
 * batch size (args: documents, batch size, max.in.flight.requests of the sink; the raw loader sends one request at a
 * time). Not a test (no timed assertion): run it by hand and read the numbers.
 * <pre>
 * mvn -B -q -pl elasticsearch-sink -o test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.cxone.kafka.sink.elasticsearch.SinkBenchmark -Dexec.args="1000000 2000 1"
 * </pre>
 */
public final class SinkBenchmark {

    private SinkBenchmark() {
    }

    static byte[] document(int i) {
        return ("{\"event_id\":\"evt-" + i + "\",\"event_type\":\"CONTACT_ENDED\",\"contact_id\":" + (100_000 + i)
                + ",\"skill\":\"sales\",\"duration\":" + (i % 600) + "}").getBytes(StandardCharsets.UTF_8);
    }

    public static void main(String[] args) throws Exception {
        int documents = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        String inFlight = args.length > 2 ? args[2] : "1";
        TestServices.startElasticsearch();
        EmbeddedConnectCluster connect = TestServices.connect();
        String url = TestServices.elasticsearch().url();
        ElasticsearchQueries.deleteIndices("bench-raw", "bench-sink");

        String topic = "bench-events";
        connect.kafka().createTopic(topic, 1);
        long produceStart = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = connect.kafka().createProducer(Map.of(
                ProducerConfig.LINGER_MS_CONFIG, 20, ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024))) {
            for (int i = 0; i < documents; i++) {
                producer.send(new ProducerRecord<>(topic, null, document(i)));
            }
        }
        System.out.printf("produced %d records in %.1f s%n", documents, (System.nanoTime() - produceStart) / 1e9);

        // Raw loader: sequential _bulk requests of the same documents and batch size, ids like the sink's.
        long rawStart = System.nanoTime();
        try (RestClient rest = RestClient.builder(HttpHost.create(url)).build()) {
            StringBuilder body = new StringBuilder();
            for (int i = 0; i < documents; i++) {
                body.append("{\"index\":{\"_index\":\"bench-raw\",\"_id\":\"").append(topic).append("+0+").append(i).append("\"}}\n")
                        .append(new String(document(i), StandardCharsets.UTF_8)).append('\n');
                if ((i + 1) % batch == 0 || i == documents - 1) {
                    Request request = new Request("POST", "/_bulk");
                    request.setJsonEntity(body.toString());
                    rest.performRequest(request);
                    body.setLength(0);
                }
            }
        }
        double rawSeconds = (System.nanoTime() - rawStart) / 1e9;
        System.out.printf("raw _bulk loader: %d docs in %.1f s = %.0f docs/s (count %d)%n", documents, rawSeconds,
                documents / rawSeconds, ElasticsearchQueries.count("bench-raw"));

        Map<String, String> config = SinkTestSupport.sinkConfig(topic, url);
        config.put("value.converter.schemas.enable", "false");
        config.put("topic.index.map", topic + ":bench-sink");
        config.put("batch.size", Integer.toString(batch));
        config.put("max.in.flight.requests", inFlight);
        config.put("linger.ms", "10");
        config.put("max.buffered.records", Integer.toString(Math.max(20_000, batch * 4)));
        config.put("consumer.override.max.poll.records", "2000");
        long sinkStart = System.nanoTime();
        connect.configureConnector("bench-sink", config);
        long indexed = 0;
        while (indexed < documents) {
            Thread.sleep(500);
            indexed = ElasticsearchQueries.get("/bench-sink/_count").path("count").asLong(0);
        }
        double sinkSeconds = (System.nanoTime() - sinkStart) / 1e9;
        System.out.printf("sink connector:   %d docs in %.1f s = %.0f docs/s%n", documents, sinkSeconds, documents / sinkSeconds);
        System.out.printf("ratio sink/raw = %.2f%n", rawSeconds / sinkSeconds);
        connect.deleteConnector("bench-sink");
        // Stop Connect before the JVM's shutdown hooks run: racing the test kit's own hook can hang the exit.
        connect.stop();
        System.exit(0);
    }
}
