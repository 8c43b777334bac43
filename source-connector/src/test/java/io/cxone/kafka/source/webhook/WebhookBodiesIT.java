package io.cxone.kafka.source.webhook;

import static io.cxone.kafka.source.webhook.WebhookTestSupport.EVENT_SCHEMA;
import static io.cxone.kafka.source.webhook.WebhookTestSupport.container;
import static io.cxone.kafka.source.webhook.WebhookTestSupport.datum;
import static io.cxone.kafka.source.webhook.WebhookTestSupport.decode;
import static io.cxone.kafka.source.webhook.WebhookTestSupport.event;
import static io.cxone.kafka.source.webhook.WebhookTestSupport.header;
import static io.cxone.kafka.source.webhook.WebhookTestSupport.json;
import static io.cxone.kafka.source.webhook.WebhookTestSupport.post;
import static io.cxone.kafka.source.webhook.WebhookTestSupport.readAll;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxone.kafka.testkit.TestServices;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each body type (Avro datum, Avro container file, JSON object and array) becomes the same Avro record in the
 * topic, in the Confluent wire format resolved through the registry's ccompat API; every 2xx'd event is there at
 * the offset the answer named. A registry-sourced schema covers the remaining Avro types end to end.
 */
class WebhookBodiesIT {

    private static WebhookTestSupport.Webhook webhook;

    @BeforeAll
    static void startConnector() throws Exception {
        webhook = WebhookTestSupport.start("wh-bodies", Map.of(WebhookConfig.HEADER_REMOTE_ADDRESS, "true"));
    }

    @AfterAll
    static void deleteConnector() {
        TestServices.connect().deleteConnector(webhook.name()); // fewer tasks for the worker to stop in later tests
    }

    @Test
    void everyBodyTypeLandsAsTheSameAvroRecordAtTheAnsweredOffset() throws Exception {
        HttpResponse<String> avro = post(
                webhook.url(), "application/avro", datum(event("b-1", "CALL_STARTED")), "X-Request-Id", "req-avro-1");
        assertThat(avro.statusCode()).as(avro.body()).isEqualTo(200);
        assertThat(avro.headers().firstValue("X-Request-Id")).contains("req-avro-1");

        HttpResponse<String> ocf = post(
                webhook.url(),
                "avro/binary",
                container(EVENT_SCHEMA, List.of(event("b-2", "A"), event("b-3", "B"), event("b-4", "C"))));
        assertThat(ocf.statusCode()).as(ocf.body()).isEqualTo(200);

        String object = """
                {"event_id":"b-5","timestamp":"2025-11-13T02:13:20Z","action_type":"CALL_ENDED",
                 "user_id":null,"metadata":{"queue":"sales"}}""";
        HttpResponse<String> jsonObject =
                post(webhook.url(), "application/json; charset=utf-8", object.getBytes(StandardCharsets.UTF_8));
        assertThat(jsonObject.statusCode()).as(jsonObject.body()).isEqualTo(200);

        String array = """
                [{"event_id":"b-6","timestamp":1763000000000,"action_type":"X","user_id":"agent-7","metadata":{}},
                 {"event_id":"b-7","timestamp":1763000000001,"action_type":"Y","metadata":{"k":"v"}}]""";
        HttpResponse<String> jsonArray =
                post(webhook.url(), "application/json", array.getBytes(StandardCharsets.UTF_8));
        assertThat(jsonArray.statusCode()).as(jsonArray.body()).isEqualTo(200);
        assertThat(json(jsonArray).get("results")).hasSize(2);

        Map<Long, String> answered = new HashMap<>();
        for (HttpResponse<String> response : List.of(avro, ocf, jsonObject, jsonArray)) {
            for (JsonNode result : json(response).get("results")) {
                assertThat(result.get("topic").asText()).isEqualTo(webhook.topic());
                answered.put(
                        result.get("offset").asLong(), result.get("eventId").asText());
            }
        }
        assertThat(answered).hasSize(7);

        List<ConsumerRecord<byte[], byte[]>> records = readAll(webhook.topic());
        assertThat(records).hasSize(7);
        Map<String, GenericRecord> byId = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            GenericRecord value = decode(record.value());
            assertThat(value.getSchema().getFullName()).isEqualTo("com.nice.cxone.events.DataActionEvent");
            String id = value.get("event_id").toString();
            assertThat(answered).containsEntry(record.offset(), id);
            assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo(id);
            assertThat(header(record, "request-id")).isNotBlank();
            assertThat(header(record, "ingest-time")).isNotBlank();
            assertThat(header(record, "remote-address")).isEqualTo("127.0.0.1");
            byId.put(id, value);
        }
        assertThat(header(records.get(0), "content-type")).isEqualTo("application/avro");
        assertThat(header(records.get(0), "request-id")).isEqualTo("req-avro-1");

        GenericRecord fromAvro = byId.get("b-1");
        assertThat(fromAvro.get("timestamp")).isEqualTo(1_763_000_000_000L);
        assertThat(fromAvro.get("user_id").toString()).isEqualTo("agent-7");
        assertThat(stringMap(fromAvro.get("metadata"))).containsEntry("queue", "billing");
        GenericRecord fromJson = byId.get("b-5");
        assertThat(fromJson.get("timestamp")).isEqualTo(1_763_000_000_000L); // 2025-11-13T02:13:20Z
        assertThat(fromJson.get("user_id")).isNull();
        assertThat(byId.get("b-7").get("user_id")).isNull();
        // the same schema for every body type: one registry id
        assertThat(records.stream()
                        .map(r -> ByteBuffer.wrap(r.value(), 1, 4).getInt())
                        .distinct())
                .hasSize(1);
    }

    @Test
    void registrySchemaWithEnumsDecimalsUuidsDatesArraysAndUnionsMapsEndToEnd() throws Exception {
        String schemaJson = """
                {"type":"record","name":"RichEvent","namespace":"io.cxone.test","fields":[
                  {"name":"event_id","type":{"type":"string","logicalType":"uuid"}},
                  {"name":"at_micros","type":{"type":"long","logicalType":"timestamp-micros"}},
                  {"name":"day","type":{"type":"int","logicalType":"date"}},
                  {"name":"amount","type":{"type":"bytes","logicalType":"decimal","precision":9,"scale":2}},
                  {"name":"channel","type":{"type":"enum","name":"Channel","symbols":["VOICE","CHAT"]}},
                  {"name":"tags","type":{"type":"array","items":"string"}},
                  {"name":"agent","type":["null",{"type":"record","name":"Agent","fields":[
                      {"name":"id","type":"long"},{"name":"skills","type":{"type":"map","values":"int"}}]}],"default":null},
                  {"name":"score","type":["null","double"],"default":null}
                ]}""";
        String subject = "wh-rich-events-value-source";
        HttpResponse<String> registered = WebhookTestSupport.HTTP.send(
                HttpRequest.newBuilder(
                                URI.create(TestServices.registry().ccompatUrl() + "/subjects/" + subject + "/versions"))
                        .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                WebhookTestSupport.JSON.writeValueAsString(Map.of("schema", schemaJson))))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(200);

        WebhookTestSupport.Webhook rich = WebhookTestSupport.start(
                "wh-rich",
                Map.of(
                        WebhookConfig.SCHEMA_REGISTRY_URL,
                        TestServices.registry().ccompatUrl(),
                        WebhookConfig.SCHEMA_REGISTRY_SUBJECT,
                        subject));
        String body = """
                {"event_id":"6f1c2a7e-6f0a-4a8e-9d7c-2b1f3e4d5a6b","at_micros":"2025-11-13T02:13:20.123456Z",
                 "day":"2025-11-13","amount":"12.50","channel":"CHAT","tags":["vip","eu"],
                 "agent":{"id":42,"skills":{"billing":3}},"score":0.5}""";
        HttpResponse<String> response = post(rich.url(), "application/json", body.getBytes(StandardCharsets.UTF_8));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);

        List<ConsumerRecord<byte[], byte[]>> records = readAll(rich.topic());
        assertThat(records).hasSize(1);
        GenericRecord value = decode(records.get(0).value());
        Schema written = value.getSchema();
        assertThat(written.getFullName()).isEqualTo("io.cxone.test.RichEvent");
        assertThat(value.get("event_id").toString()).isEqualTo("6f1c2a7e-6f0a-4a8e-9d7c-2b1f3e4d5a6b");
        // Connect's Timestamp has millisecond precision
        assertThat(value.get("at_micros")).isEqualTo(1_763_000_000_123L);
        assertThat(value.get("day"))
                .isEqualTo((int) java.time.LocalDate.parse("2025-11-13").toEpochDay());
        ByteBuffer amount = (ByteBuffer) value.get("amount");
        byte[] unscaled = new byte[amount.remaining()];
        amount.get(unscaled);
        assertThat(new BigDecimal(new BigInteger(unscaled), 2)).isEqualByComparingTo("12.50");
        assertThat(value.get("channel").toString()).isEqualTo("CHAT");
        assertThat(((List<?>) value.get("tags")).stream().map(Object::toString)).containsExactly("vip", "eu");
        GenericRecord agent = (GenericRecord) value.get("agent");
        assertThat(agent.get("id")).isEqualTo(42L);
        assertThat(value.get("score")).isEqualTo(0.5);
        TestServices.connect().deleteConnector(rich.name());
    }

    private static Map<String, String> stringMap(Object avroMap) {
        return ((Map<?, ?>) avroMap)
                .entrySet().stream().collect(Collectors.toMap(e -> e.getKey().toString(), e -> e.getValue()
                        .toString()));
    }
}
