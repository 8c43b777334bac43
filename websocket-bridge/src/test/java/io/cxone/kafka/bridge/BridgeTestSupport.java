package io.cxone.kafka.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxone.kafka.testkit.TestServices;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Shared pieces of the integration tests: real Kafka from the harness, bridges on free ports, a producer. */
final class BridgeTestSupport {

    static final String TOKEN = "it-secret-token";
    static final String LIMITED_TOKEN = "limited-secret-token";
    static final Map<String, String> AUTH = Map.of("Authorization", "Bearer " + TOKEN);
    private static KafkaProducer<byte[], byte[]> producer;

    private BridgeTestSupport() {}

    static String uniqueTopic(String prefix, int partitions) {
        String topic = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        TestServices.connect().kafka().createTopic(topic, partitions);
        return topic;
    }

    static BridgeServer startBridge(Consumer<Map<String, String>> customize) throws Exception {
        Map<String, String> m = new HashMap<>();
        m.put("listen.host", "127.0.0.1");
        m.put("listen.port", "0");
        m.put("kafka.bootstrap.servers", TestServices.kafkaBootstrapServers());
        // Through the common client settings (KafkaClients) to the admin and every consumer kind of every IT.
        m.put("kafka.security.protocol", "PLAINTEXT");
        m.put("auth.token.it", TOKEN);
        m.put("auth.token.it.topics", ".*");
        m.put("auth.token.limited", LIMITED_TOKEN);
        m.put("auth.token.limited.topics", "allowed\\..*");
        m.put("kafka.poll.timeout.ms", "50");
        customize.accept(m);
        BridgeServer server = new BridgeServer(BridgeConfig.of(m));
        server.start();
        return server;
    }

    static URI streamUri(BridgeServer bridge, String query) {
        return URI.create("ws://127.0.0.1:" + bridge.port() + "/stream" + (query.isEmpty() ? "" : "?" + query));
    }

    static synchronized KafkaProducer<byte[], byte[]> producer() {
        if (producer == null) {
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestServices.kafkaBootstrapServers());
            p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
            // Topics are used right after creation: an idempotent producer can wedge on the first NOT_LEADER
            // retries (OUT_OF_ORDER_SEQUENCE_NUMBER); one request in flight keeps order across retries instead.
            p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
            p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(8 * 1024 * 1024));
            p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            producer = new KafkaProducer<>(p);
        }
        return producer;
    }

    static void produce(String topic, Integer partition, String key, byte[] value) {
        produce(topic, partition, key, value, List.of());
    }

    static void produce(String topic, Integer partition, String key, byte[] value, Iterable<Header> headers) {
        producer()
                .send(new ProducerRecord<>(
                        topic, partition, null, key == null ? null : key.getBytes(), value, headers));
    }

    static void flush() {
        producer().flush();
    }

    static HttpResponse<String> get(BridgeServer bridge, String path) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + bridge.port() + path))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    /** {@code count} JSON records of about {@code size} bytes to partition 0, flushed. */
    static int produceBulk(String topic, int count, int size) {
        String pad = "p".repeat(size);
        for (int i = 0; i < count; i++) {
            produce(
                    topic,
                    0,
                    null,
                    ("{\"n\":" + i + ",\"pad\":\"" + pad + "\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        flush();
        return count;
    }

    /** A counter or gauge from {@code /metrics} (without labels); -1 when absent. */
    static long metric(BridgeServer server, String name) throws Exception {
        for (String line : get(server, "/metrics").body().split("\n")) {
            if (line.startsWith(name + " ")) {
                return (long) Double.parseDouble(line.substring(name.length() + 1));
            }
        }
        return -1;
    }

    /**
     * Records received across reconnects whose values {@code n} were produced once each: every partition goes on
     * exactly after the last offset received (no gap, no duplicate), and no value comes twice.
     */
    static final class ExactlyOnce {
        private final Map<Integer, Long> lastOffset = new HashMap<>();
        private final Set<Integer> values = new HashSet<>();

        void received(JsonNode record) {
            int partition = record.get("partition").asInt();
            long offset = record.get("offset").asLong();
            assertThat(offset)
                    .as("partition %d continues exactly after %s", partition, lastOffset.get(partition))
                    .isEqualTo(lastOffset.getOrDefault(partition, -1L) + 1);
            lastOffset.put(partition, offset);
            assertThat(values.add(record.at("/value/n").asInt()))
                    .as("duplicate %s", record)
                    .isTrue();
        }

        int count() {
            return values.size();
        }

        int partitions() {
            return lastOffset.size();
        }
    }
}
