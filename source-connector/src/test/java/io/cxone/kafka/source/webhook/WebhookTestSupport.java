package io.cxone.kafka.source.webhook;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cxone.kafka.source.avro.CachingSchemaResolver;
import io.cxone.kafka.stack.Ports;
import io.cxone.kafka.testkit.TestServices;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.connect.runtime.ConnectorConfig;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;

/** Shared helpers of the webhook ITs: a connector per test scenario, HTTP calls, and reading the topic back. */
final class WebhookTestSupport {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Schema EVENT_SCHEMA = EventSchemaSource.builtIn();
    static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Map<Integer, Schema> SCHEMAS_BY_ID = new ConcurrentHashMap<>();

    private WebhookTestSupport() {}

    /** A running webhook connector of the shared embedded cluster. */
    record Webhook(String name, String topic, int port, String url) {}

    static EmbeddedConnectCluster connect() {
        TestServices.startRegistry();
        return TestServices.connect();
    }

    /** Starts connector {@code name} writing to its own one-partition topic, and waits until its listener answers. */
    static Webhook start(String name, Map<String, String> settings) throws InterruptedException {
        return start(name, settings, 1);
    }

    /**
     * Starts connector {@code name} with {@code tasks} tasks (all on one port) writing to its own topic of as many
     * partitions, and waits until its listener answers.
     */
    static Webhook start(String name, Map<String, String> settings, int tasks) throws InterruptedException {
        EmbeddedConnectCluster connect = connect();
        String topic = name + "-events";
        connect.kafka().createTopic(topic, tasks);
        int port = Ports.freePort();
        Map<String, String> config = connectorConfig(topic, port, settings);
        config.put(ConnectorConfig.TASKS_MAX_CONFIG, Integer.toString(tasks));
        connect.configureConnector(name, config);
        connect.assertions()
                .assertConnectorAndExactlyNumTasksAreRunning(
                        name, tasks, "webhook connector " + name + " did not start");
        boolean tls = settings.containsKey(WebhookConfig.TLS_KEYSTORE_PATH);
        String url = (tls ? "https" : "http") + "://127.0.0.1:" + port + WebhookConfig.DEFAULT_PATH;
        if (!tls) {
            awaitListening(url);
        }
        return new Webhook(name, topic, port, url);
    }

    /** A webhook connector's settings as the ITs use them: one task, a loopback listener, exactly-once, Avro. */
    static Map<String, String> connectorConfig(String topic, int port, Map<String, String> settings) {
        Map<String, String> config = new HashMap<>();
        config.put(ConnectorConfig.CONNECTOR_CLASS_CONFIG, CxoneWebhookSourceConnector.class.getName());
        config.put(ConnectorConfig.TASKS_MAX_CONFIG, "1");
        config.put(WebhookConfig.TOPIC, topic);
        config.put(WebhookConfig.BIND_ADDRESS, "127.0.0.1");
        config.put(WebhookConfig.PORT, Integer.toString(port));
        config.put("exactly.once.support", "required");
        config.put(ConnectorConfig.KEY_CONVERTER_CLASS_CONFIG, "org.apache.kafka.connect.storage.StringConverter");
        config.putAll(TestServices.avroConverter(ConnectorConfig.VALUE_CONVERTER_CLASS_CONFIG));
        // as connectors/cxone-webhook-source.json ships it
        config.put("value.converter.apicurio.registry.schema-resolver", CachingSchemaResolver.class.getName());
        config.putAll(settings);
        return config;
    }

    /** Waits until a listener answers at {@code url} (a GET is refused with 405 once it is up). */
    static void awaitListening(String url) {
        await().atMost(Duration.ofSeconds(30))
                .ignoreException(ConnectException.class)
                .until(() -> HTTP.send(
                                        HttpRequest.newBuilder(URI.create(url))
                                                .GET()
                                                .build(),
                                        HttpResponse.BodyHandlers.discarding())
                                .statusCode()
                        == 405);
    }

    static HttpResponse<String> post(String url, String contentType, byte[] body, String... headers) throws Exception {
        return post(HTTP, url, contentType, body, headers);
    }

    static HttpResponse<String> post(HttpClient client, String url, String contentType, byte[] body, String... headers)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body());
    }

    static GenericRecord event(String id, String actionType) {
        GenericRecord event = new GenericData.Record(EVENT_SCHEMA);
        event.put("event_id", id);
        event.put("timestamp", 1_763_000_000_000L);
        event.put("action_type", actionType);
        event.put("user_id", "agent-7");
        event.put("metadata", Map.of("queue", "billing"));
        return event;
    }

    static byte[] datum(GenericRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(record.getSchema()).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    static byte[] container(Schema schema, List<GenericRecord> records) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DataFileWriter<GenericRecord> writer =
                new DataFileWriter<>(new GenericDatumWriter<GenericRecord>(schema))) {
            writer.create(schema, out);
            for (GenericRecord record : records) {
                writer.append(record);
            }
        }
        return out.toByteArray();
    }

    /** Every committed record of the topic (read_committed, up to the end offsets). */
    static List<ConsumerRecord<byte[], byte[]>> readAll(String topic) throws Exception {
        return readAll(connect(), topic);
    }

    /** Every committed record of the topic in {@code cluster}'s Kafka (read_committed, up to the end offsets). */
    static List<ConsumerRecord<byte[], byte[]>> readAll(EmbeddedConnectCluster cluster, String topic) throws Exception {
        ConsumerRecords<byte[], byte[]> records = cluster.kafka()
                .consumeAll(
                        Duration.ofSeconds(30).toMillis(),
                        Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                        new HashMap<>(),
                        topic);
        List<ConsumerRecord<byte[], byte[]>> list = new ArrayList<>();
        records.forEach(list::add);
        return list;
    }

    /** Decodes a value in the Confluent wire format, resolving the schema id through the registry's ccompat API. */
    static GenericRecord decode(byte[] value) throws Exception {
        ByteBuffer bytes = ByteBuffer.wrap(value);
        if (bytes.get() != 0) {
            throw new AssertionError("magic byte is not 0");
        }
        int id = bytes.getInt();
        Schema schema = SCHEMAS_BY_ID.computeIfAbsent(id, WebhookTestSupport::fetchSchema);
        byte[] payload = new byte[bytes.remaining()];
        bytes.get(payload);
        return new GenericDatumReader<GenericRecord>(schema)
                .read(null, DecoderFactory.get().binaryDecoder(payload, null));
    }

    private static Schema fetchSchema(int id) {
        try {
            HttpResponse<String> response = HTTP.send(
                    HttpRequest.newBuilder(URI.create(TestServices.registry().ccompatUrl() + "/schemas/ids/" + id))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new AssertionError("ccompat /schemas/ids/" + id + " answered " + response.statusCode());
            }
            return new Schema.Parser()
                    .parse(JSON.readTree(response.body()).get("schema").asText());
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    static String header(ConsumerRecord<?, ?> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), java.nio.charset.StandardCharsets.UTF_8);
    }
}
