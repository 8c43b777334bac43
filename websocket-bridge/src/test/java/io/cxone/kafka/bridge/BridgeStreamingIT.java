package io.cxone.kafka.bridge;

import static io.cxone.kafka.bridge.BridgeTestSupport.AUTH;
import static io.cxone.kafka.bridge.BridgeTestSupport.flush;
import static io.cxone.kafka.bridge.BridgeTestSupport.produce;
import static io.cxone.kafka.bridge.BridgeTestSupport.streamUri;
import static io.cxone.kafka.bridge.BridgeTestSupport.uniqueTopic;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cxone.kafka.testkit.TestServices;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Records from the real embedded Kafka (and registry) to WebSocket frames: atomicity, order, resume, size limit, Avro. */
class BridgeStreamingIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static BridgeServer bridge;

    @BeforeAll
    static void start() throws Exception {
        TestServices.startRegistry();
        TestServices.connect();
        String registry = TestServices.registry().apicurioApiUrl();
        bridge = BridgeTestSupport.startBridge(m -> m.put("schema.registry.url", registry));
    }

    @AfterAll
    static void stop() {
        if (bridge != null) {
            bridge.close();
        }
    }

    @Test
    void eachRecordIsOneCompleteFrameInPartitionOrder() throws Exception {
        String topic = uniqueTopic("atomic", 3);
        int count = 600;
        byte[] big = ("{\"blob\":\"" + "x".repeat(200_000) + "\"}").getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < count; i++) {
            byte[] value = i == 300
                    ? big
                    : ("{\"event_id\":\"e-" + i + "\",\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8);
            produce(topic, i % 3, "k-" + i, value);
        }
        flush();
        try (WsTestClient client =
                WsTestClient.connect(streamUri(bridge, "topics=" + topic + "&start=earliest"), AUTH, false, false)) {
            JsonNode subscribed = client.next(WAIT);
            assertThat(subscribed.get("type").asText()).isEqualTo("subscribed");
            assertThat(subscribed.at("/positions/" + topic + "/0").asLong()).isZero();
            Map<Integer, Long> lastOffset = new HashMap<>();
            for (int i = 0; i < count; i++) {
                JsonNode frame = client.next(WAIT);
                assertThat(frame.get("type").asText()).isEqualTo("record");
                int partition = frame.get("partition").asInt();
                long offset = frame.get("offset").asLong();
                assertThat(offset)
                        .as("partition %d in order, no gap", partition)
                        .isEqualTo(lastOffset.getOrDefault(partition, -1L) + 1);
                lastOffset.put(partition, offset);
                assertThat(frame.get("topic").asText()).isEqualTo(topic);
                assertThat(frame.get("valueFormat").asText()).isEqualTo("json");
                assertThat(frame.get("key").asText()).startsWith("k-");
            }
            assertThat(lastOffset.values().stream().mapToLong(o -> o + 1).sum()).isEqualTo(count);
            assertThat(client.fragmentedFrames.get())
                    .as("frames that were not a whole message")
                    .isZero();
        }
    }

    @Test
    void batchModeWithGzipAndPermessageDeflate() throws Exception {
        String topic = uniqueTopic("batch", 1);
        for (int i = 0; i < 250; i++) {
            produce(
                    topic,
                    0,
                    null,
                    ("{\"n\":" + i + ",\"pad\":\"" + "y".repeat(500) + "\"}").getBytes(StandardCharsets.UTF_8));
        }
        flush();
        try (WsTestClient client = WsTestClient.connect(
                streamUri(bridge, "topics=" + topic + "&start=earliest&batch=100&compression=gzip"),
                AUTH,
                true,
                false)) {
            assertThat(client.session().getNegotiatedExtensions())
                    .anySatisfy(e -> assertThat(e.getName()).isEqualTo("permessage-deflate"));
            client.nextOfType("subscribed", WAIT);
            List<Integer> seen = new ArrayList<>();
            while (seen.size() < 250) {
                JsonNode batch = client.next(WAIT);
                assertThat(batch.get("type").asText()).isEqualTo("batch");
                assertThat(batch.get("count").asInt())
                        .isBetween(1, 100)
                        .isEqualTo(batch.get("records").size());
                batch.get("records").forEach(r -> seen.add(r.at("/value/n").asInt()));
            }
            assertThat(seen).hasSize(250).isSorted().startsWith(0).endsWith(249);
            assertThat(client.binaryMessages.get())
                    .as("gzip frames are binary messages")
                    .isGreaterThanOrEqualTo(3);
            assertThat(client.fragmentedFrames.get())
                    .as("compressed messages stay single frames")
                    .isZero();
        }
    }

    @Test
    void largeRecordOverPermessageDeflateIsOneFrame() throws Exception {
        String topic = uniqueTopic("deflate", 1);
        produce(topic, 0, null, ("{\"blob\":\"" + "abc".repeat(100_000) + "\"}").getBytes(StandardCharsets.UTF_8));
        flush();
        try (WsTestClient client =
                WsTestClient.connect(streamUri(bridge, "topics=" + topic + "&start=earliest"), AUTH, true, false)) {
            client.nextOfType("subscribed", WAIT);
            JsonNode frame = client.next(WAIT);
            assertThat(frame.at("/value/blob").asText()).hasSize(300_000);
            assertThat(client.fragmentedFrames.get()).isZero();
        }
    }

    @Test
    void hundredReconnectsWithResumeLoseAndRepeatNothing() throws Exception {
        String topic = uniqueTopic("resume", 3);
        int total = 3000;
        AtomicBoolean producing = new AtomicBoolean(true);
        Thread producer = new Thread(() -> {
            for (int i = 0; i < total; i++) {
                produce(topic, null, "k" + i, ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8));
                if (i % 30 == 29) {
                    flush();
                    sleep(10);
                }
            }
            flush();
            producing.set(false);
        });
        producer.start();

        Map<String, Map<String, Long>> positions = new TreeMap<>();
        BridgeTestSupport.ExactlyOnce received = new BridgeTestSupport.ExactlyOnce();
        Random random = new Random(42);
        int reconnects = 0;
        while (received.count() < total) {
            String query = positions.isEmpty()
                    ? "topics=" + topic + "&start=earliest"
                    : "topics=" + topic + "&offsets=" + offsets(positions);
            WsTestClient client = WsTestClient.connect(streamUri(bridge, query), AUTH, false, false);
            JsonNode subscribed = client.nextOfType("subscribed", WAIT);
            subscribed.get("positions").get(topic).fields().forEachRemaining(p -> positions
                    .computeIfAbsent(topic, t -> new TreeMap<>())
                    .putIfAbsent(p.getKey(), p.getValue().asLong()));
            int take = reconnects < 100 ? 1 + random.nextInt(40) : Integer.MAX_VALUE;
            for (int i = 0; i < take && received.count() < total; i++) {
                JsonNode r = client.next(WAIT);
                received.received(r);
                positions
                        .get(topic)
                        .put(r.get("partition").asText(), r.get("offset").asLong() + 1);
            }
            if (random.nextBoolean()) {
                client.abort();
            } else {
                client.close();
            }
            reconnects++;
        }
        producer.join();
        assertThat(reconnects).isGreaterThanOrEqualTo(100);
        assertThat(received.count()).isEqualTo(total);
    }

    @Test
    void groupModeCommitsWhatWasWrittenAndTheNextMemberContinues() throws Exception {
        String topic = uniqueTopic("group", 1);
        String group = "it-" + topic;
        for (int i = 0; i < 20; i++) {
            produce(topic, 0, null, ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8));
        }
        flush();
        String query = "topics=" + topic + "&group=" + group + "&start=earliest";
        try (WsTestClient first = WsTestClient.connect(streamUri(bridge, query), AUTH, false, false)) {
            JsonNode subscribed = first.nextOfType("subscribed", WAIT);
            assertThat(subscribed.get("group").asText()).isEqualTo(group);
            for (int i = 0; i < 20; i++) {
                assertThat(first.nextOfType("record", WAIT).get("offset").asLong())
                        .isEqualTo(i);
            }
        }
        org.awaitility.Awaitility.await().atMost(WAIT).until(() -> bridge.clientCount() == 0);
        for (int i = 20; i < 30; i++) {
            produce(topic, 0, null, ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8));
        }
        flush();
        try (WsTestClient second = WsTestClient.connect(streamUri(bridge, query), AUTH, false, false)) {
            assertThat(second.nextOfType("subscribed", WAIT)
                            .at("/positions/" + topic + "/0")
                            .asLong())
                    .isEqualTo(20);
            for (int i = 20; i < 30; i++) {
                assertThat(second.nextOfType("record", WAIT).get("offset").asLong())
                        .isEqualTo(i);
            }
        }
    }

    @Test
    void oversizeRecordIsReportedWithItsCoordinates() throws Exception {
        BridgeServer small = BridgeTestSupport.startBridge(m -> m.put("frame.max.bytes", "4096"));
        try {
            String topic = uniqueTopic("oversize", 1);
            produce(topic, 0, null, "{\"n\":0}".getBytes(StandardCharsets.UTF_8));
            produce(
                    topic,
                    0,
                    null,
                    ("{\"n\":1,\"blob\":\"" + "z".repeat(10_000) + "\"}").getBytes(StandardCharsets.UTF_8));
            produce(topic, 0, null, "{\"n\":2}".getBytes(StandardCharsets.UTF_8));
            flush();
            try (WsTestClient client =
                    WsTestClient.connect(streamUri(small, "topics=" + topic + "&start=earliest"), AUTH, false, false)) {
                client.nextOfType("subscribed", WAIT);
                assertThat(client.next(WAIT).at("/value/n").asInt()).isEqualTo(0);
                JsonNode error = client.next(WAIT);
                assertThat(error.get("type").asText()).isEqualTo("error");
                assertThat(error.get("code").asText()).isEqualTo("record_too_large");
                assertThat(error.get("topic").asText()).isEqualTo(topic);
                assertThat(error.get("partition").asInt()).isZero();
                assertThat(error.get("offset").asLong()).isEqualTo(1);
                assertThat(error.get("size").asLong()).isGreaterThan(4096);
                assertThat(error.get("limit").asLong()).isEqualTo(4096);
                assertThat(client.next(WAIT).at("/value/n").asInt()).isEqualTo(2);
            }
            // A batch that would be too big is split; only the oversize record becomes an error.
            try (WsTestClient client = WsTestClient.connect(
                    streamUri(small, "topics=" + topic + "&start=earliest&batch=10"), AUTH, false, false)) {
                client.nextOfType("subscribed", WAIT);
                List<String> seen = new ArrayList<>();
                while (seen.size() < 3) {
                    JsonNode f = client.next(WAIT);
                    if (f.get("type").asText().equals("error")) {
                        seen.add("error@" + f.get("offset").asLong());
                    } else {
                        f.get("records")
                                .forEach(r -> seen.add("n" + r.at("/value/n").asInt()));
                    }
                }
                assertThat(seen).containsExactly("n0", "error@1", "n2");
            }
        } finally {
            small.close();
        }
        assertThat(BridgeTestSupport.get(bridge, "/metrics").body()).contains("bridge_records_too_large_total");
    }

    @Test
    void avroValuesFromTheRegistryArriveAsJson() throws Exception {
        String topic = uniqueTopic("avro", 1);
        Schema schema = new Schema.Parser()
                .parse("{\"type\":\"record\",\"name\":\"AgentEvent\",\"namespace\":\"io.cxone.it\",\"fields\":["
                        + "{\"name\":\"event_id\",\"type\":\"string\"},{\"name\":\"action_type\",\"type\":{\"type\":\"enum\",\"name\":\"Action\",\"symbols\":[\"LOGIN\",\"LOGOUT\"]}},"
                        + "{\"name\":\"user\",\"type\":[\"null\",\"string\"],\"default\":null},{\"name\":\"at\",\"type\":\"long\"},"
                        + "{\"name\":\"tags\",\"type\":{\"type\":\"array\",\"items\":\"string\"}}]}");
        int id = register(topic + "-value", schema);
        for (int i = 0; i < 3; i++) {
            GenericRecord r = new GenericData.Record(schema);
            r.put("event_id", "evt-" + i);
            r.put(
                    "action_type",
                    new GenericData.EnumSymbol(
                            schema.getField("action_type").schema(), i % 2 == 0 ? "LOGIN" : "LOGOUT"));
            r.put("user", i == 1 ? null : "agent-" + i);
            r.put("at", 1700000000000L + i);
            r.put("tags", List.of("a", "b"));
            produce(topic, 0, "evt-" + i, confluentWireFormat(id, schema, r));
        }
        flush();
        try (WsTestClient client = WsTestClient.connect(streamUri(bridge, ""), AUTH, false, false)) {
            client.send("{\"type\":\"subscribe\",\"topics\":[\"" + topic + "\"],\"start\":\"earliest\"}");
            client.nextOfType("subscribed", WAIT);
            for (int i = 0; i < 3; i++) {
                JsonNode frame = client.next(WAIT);
                assertThat(frame.get("valueFormat").asText()).isEqualTo("avro");
                assertThat(frame.get("schemaId").asInt()).isEqualTo(id);
                assertThat(frame.get("schemaName").asText()).isEqualTo("io.cxone.it.AgentEvent");
                JsonNode value = frame.get("value");
                assertThat(value.get("event_id").asText()).isEqualTo("evt-" + i);
                assertThat(value.get("action_type").asText()).isEqualTo(i % 2 == 0 ? "LOGIN" : "LOGOUT");
                assertThat(value.get("user").isNull()).isEqualTo(i == 1);
                assertThat(value.get("at").asLong()).isEqualTo(1700000000000L + i);
                assertThat(value.get("tags").toString()).isEqualTo("[\"a\",\"b\"]");
            }
        }
    }

    @Test
    void aSchemaNameOverTwoHundredCharactersIsLeftOutOfTheFrame() throws Exception {
        String topic = uniqueTopic("avro-long-name", 1);
        String namespace = "io.cxone.it." + "n".repeat(200);
        Schema schema = new Schema.Parser()
                .parse("{\"type\":\"record\",\"name\":\"Long\",\"namespace\":\"" + namespace
                        + "\",\"fields\":[{\"name\":\"n\",\"type\":\"int\"}]}");
        int id = register(topic + "-value", schema);
        GenericRecord r = new GenericData.Record(schema);
        r.put("n", 7);
        produce(topic, 0, null, confluentWireFormat(id, schema, r));
        flush();
        try (WsTestClient client =
                WsTestClient.connect(streamUri(bridge, "topics=" + topic + "&start=earliest"), AUTH, false, false)) {
            JsonNode frame = client.nextOfType("record", WAIT);
            assertThat(frame.get("valueFormat").asText()).isEqualTo("avro");
            assertThat(frame.at("/value/n").asInt()).isEqualTo(7);
            assertThat(frame.has("schemaName"))
                    .as("name of %d characters", schema.getFullName().length())
                    .isFalse();
        }
    }

    @Test
    void aSchemaLargerThanTheResponseLimitIsNotReadAndTheValueSaysWhy() throws Exception {
        String topic = uniqueTopic("avro-big-schema", 1);
        Schema schema = new Schema.Parser()
                .parse("{\"type\":\"record\",\"name\":\"Big\",\"namespace\":\"io.cxone.it\",\"doc\":\""
                        + "d".repeat(4000) + "\",\"fields\":[{\"name\":\"n\",\"type\":\"int\"}]}");
        int id = register(topic + "-value", schema);
        GenericRecord r = new GenericData.Record(schema);
        r.put("n", 7);
        produce(topic, 0, null, confluentWireFormat(id, schema, r));
        flush();
        BridgeServer bounded = BridgeTestSupport.startBridge(m -> {
            m.put("schema.registry.url", TestServices.registry().apicurioApiUrl());
            m.put("schema.registry.response.max.bytes", "2048");
        });
        String subscribe = "{\"type\":\"subscribe\",\"topics\":[\"" + topic + "\"],\"start\":\"earliest\"}";
        try (WsTestClient limited = WsTestClient.connect(streamUri(bounded, ""), AUTH, false, false);
                WsTestClient unlimited = WsTestClient.connect(streamUri(bridge, ""), AUTH, false, false)) {
            limited.send(subscribe);
            JsonNode frame = limited.nextOfType("record", WAIT);
            assertThat(frame.get("valueFormat").asText()).isEqualTo("base64");
            assertThat(frame.get("valueError").asText())
                    .contains(
                            "schema id " + id, "response larger than 2048 bytes (schema.registry.response.max.bytes)");
            // The default limit (1 MiB) reads the same schema.
            unlimited.send(subscribe);
            assertThat(unlimited.nextOfType("record", WAIT).at("/value/n").asInt())
                    .isEqualTo(7);
        } finally {
            bounded.close();
        }
    }

    @Test
    void startFromTimestampAndHealthMetricsDashboard() throws Exception {
        String topic = uniqueTopic("ts", 1);
        long now = System.currentTimeMillis();
        produce(topic, 0, null, "{\"n\":0}".getBytes(StandardCharsets.UTF_8));
        flush();
        producerSendWithTimestamp(topic, now + 60_000, "{\"n\":1}");
        try (WsTestClient client = WsTestClient.connect(
                streamUri(bridge, "topics=" + topic + "&start=timestamp:" + (now + 30_000)), AUTH, false, false)) {
            assertThat(client.nextOfType("subscribed", WAIT)
                            .at("/positions/" + topic + "/0")
                            .asLong())
                    .isEqualTo(1);
            assertThat(client.next(WAIT).at("/value/n").asInt()).isEqualTo(1);

            HttpResponse<String> health = BridgeTestSupport.get(bridge, "/health");
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("\"status\":\"UP\"");
            String metrics = BridgeTestSupport.get(bridge, "/metrics").body();
            assertThat(metrics)
                    .contains(
                            "bridge_clients ",
                            "bridge_frames_sent_total ",
                            "bridge_bytes_sent_total ",
                            "bridge_frames_per_second ",
                            "bridge_frames_dropped_total ",
                            "bridge_consumer_lag_max");
        }
        HttpResponse<String> page = BridgeTestSupport.get(bridge, "/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("dashboard.js");
        assertThat(BridgeTestSupport.get(bridge, "/dashboard.js").body()).contains("crypto.subtle.digest('SHA-256'");
        assertThat(BridgeTestSupport.get(bridge, "/stream").statusCode()).isEqualTo(400);
    }

    private static void producerSendWithTimestamp(String topic, long timestamp, String value) throws Exception {
        BridgeTestSupport.producer()
                .send(new org.apache.kafka.clients.producer.ProducerRecord<>(
                        topic, 0, timestamp, null, value.getBytes(StandardCharsets.UTF_8)))
                .get();
    }

    private static String offsets(Map<String, Map<String, Long>> positions) {
        StringBuilder sb = new StringBuilder();
        positions.forEach((topic, parts) -> parts.forEach((p, o) -> sb.append(sb.length() == 0 ? "" : ",")
                .append(topic)
                .append(':')
                .append(p)
                .append(':')
                .append(o)));
        return sb.toString();
    }

    private static int register(String subject, Schema schema) throws Exception {
        String body = JSON.writeValueAsString(Map.of("schema", schema.toString()));
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(
                                        TestServices.registry().ccompatUrl() + "/subjects/" + subject + "/versions"))
                                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body()).get("id").asInt();
    }

    private static byte[] confluentWireFormat(int id, Schema schema, GenericRecord record) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.write(ByteBuffer.allocate(4).putInt(id).array());
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
