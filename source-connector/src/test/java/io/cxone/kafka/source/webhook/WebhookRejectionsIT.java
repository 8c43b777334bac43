package io.cxone.kafka.source.webhook;

import static io.cxone.kafka.source.webhook.WebhookTestSupport.HTTP;
import static io.cxone.kafka.source.webhook.WebhookTestSupport.container;
import static io.cxone.kafka.source.webhook.WebhookTestSupport.datum;
import static io.cxone.kafka.source.webhook.WebhookTestSupport.decode;
import static io.cxone.kafka.source.webhook.WebhookTestSupport.event;
import static io.cxone.kafka.source.webhook.WebhookTestSupport.header;
import static io.cxone.kafka.source.webhook.WebhookTestSupport.json;
import static io.cxone.kafka.source.webhook.WebhookTestSupport.post;
import static io.cxone.kafka.source.webhook.WebhookTestSupport.readAll;
import static org.assertj.core.api.Assertions.assertThat;

import io.cxone.kafka.testkit.TestServices;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every class of bad input gets its status and a one-line reason naming the problem, and nothing of it reaches
 * the topic; bodies rejected as malformed are copied to the DLQ topic with the reason.
 */
class WebhookRejectionsIT {

    private static WebhookTestSupport.Webhook webhook;
    private static String dlqTopic;

    @BeforeAll
    static void startConnector() throws Exception {
        dlqTopic = "wh-reject-dlq";
        TestServices.connect().kafka().createTopic(dlqTopic, 1);
        webhook = WebhookTestSupport.start(
                "wh-reject",
                Map.of(
                        WebhookConfig.REQUEST_MAX_BYTES,
                        "4096",
                        WebhookConfig.REQUEST_MAX_EVENTS,
                        "3",
                        WebhookConfig.DLQ_TOPIC,
                        dlqTopic,
                        WebhookConfig.DLQ_BOOTSTRAP_SERVERS,
                        TestServices.kafkaBootstrapServers()));
    }

    @AfterAll
    static void deleteConnector() {
        TestServices.connect().deleteConnector(webhook.name()); // fewer tasks for the worker to stop in later tests
    }

    @Test
    void badInputIsRejectedWithItsStatusAndNothingReachesTheTopic() throws Exception {
        byte[] good = datum(event("r-1", "OK"));
        byte[] jsonEvent = """
                {"event_id":"r-j","timestamp":1,"action_type":"A","metadata":{}}""".getBytes(StandardCharsets.UTF_8);

        // wrong path and method
        assertRejected(post(webhook.url().replace("/events", "/other"), "application/avro", good), 404, "POST to");
        HttpResponse<String> get = HTTP.send(
                HttpRequest.newBuilder(URI.create(webhook.url())).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertRejected(get, 405, "GET");
        assertThat(get.headers().firstValue("Allow")).contains("POST");
        HttpResponse<String> put = HTTP.send(
                HttpRequest.newBuilder(URI.create(webhook.url()))
                        .PUT(HttpRequest.BodyPublishers.ofByteArray(good))
                        .header("Content-Type", "application/avro")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertRejected(put, 405, "PUT");

        // content type
        assertRejected(post(webhook.url(), "text/plain", good), 415, "text/plain");
        assertRejected(post(webhook.url(), null, good), 415, "missing");

        // size: declared length, streamed (chunked) body, and events per request
        assertRejected(post(webhook.url(), "application/json", new byte[5000]), 413, "request.max.bytes");
        HttpResponse<String> chunked = HTTP.send(
                HttpRequest.newBuilder(URI.create(webhook.url()))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(new byte[6000])))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertRejected(chunked, 413, "request.max.bytes");
        String four = "["
                + String.join(
                        ",",
                        new String(jsonEvent, StandardCharsets.UTF_8),
                        new String(jsonEvent, StandardCharsets.UTF_8),
                        new String(jsonEvent, StandardCharsets.UTF_8),
                        new String(jsonEvent, StandardCharsets.UTF_8))
                + "]";
        assertRejected(
                post(webhook.url(), "application/json", four.getBytes(StandardCharsets.UTF_8)),
                413,
                "request.max.events=3");
        List<GenericRecord> fourEvents =
                List.of(event("r-c1", "A"), event("r-c2", "A"), event("r-c3", "A"), event("r-c4", "A"));
        assertRejected(
                post(webhook.url(), "avro/binary", container(WebhookTestSupport.EVENT_SCHEMA, fourEvents)),
                413,
                "request.max.events=3");

        // malformed or mismatching bodies
        assertRejected(
                post(webhook.url(), "application/json", "{\"event_id\":".getBytes(StandardCharsets.UTF_8)),
                400,
                "malformed JSON");
        assertRejected(
                post(
                        webhook.url(),
                        "application/json",
                        "{\"event_id\":\"x\",\"timestamp\":1,\"metadata\":{}}".getBytes(StandardCharsets.UTF_8)),
                400,
                "field 'action_type'");
        assertRejected(
                post(
                        webhook.url(),
                        "application/json",
                        "{\"event_id\":\"x\",\"timestamp\":\"yesterday\",\"action_type\":\"A\",\"metadata\":{}}"
                                .getBytes(StandardCharsets.UTF_8)),
                400,
                "field 'timestamp'");
        assertRejected(
                post(
                        webhook.url(),
                        "application/json",
                        "[{\"event_id\":\"x\",\"timestamp\":1,\"action_type\":\"A\",\"metadata\":{\"n\":5}}]"
                                .getBytes(StandardCharsets.UTF_8)),
                400,
                "field '[0].metadata.n'");
        assertRejected(
                post(
                        webhook.url(),
                        "application/json",
                        "{\"event_id\":\"x\",\"timestamp\":1,\"action_type\":\"A\",\"metadata\":{},\"extra\":1}"
                                .getBytes(StandardCharsets.UTF_8)),
                400,
                "field 'extra'");
        assertRejected(
                post(webhook.url(), "application/avro", Arrays.copyOf(good, good.length - 3)), 400, "DataActionEvent");
        byte[] trailing = Arrays.copyOf(good, good.length + 2);
        assertRejected(post(webhook.url(), "application/avro", trailing), 400, "after the DataActionEvent datum");
        assertRejected(post(webhook.url(), "avro/binary", good), 400, "container");
        Schema incompatible = SchemaBuilder.record("DataActionEvent")
                .namespace("com.nice.cxone.events")
                .fields()
                .requiredLong("event_id")
                .endRecord();
        GenericRecord wrongType = new GenericData.Record(incompatible);
        wrongType.put("event_id", 7L);
        assertRejected(
                post(webhook.url(), "avro/binary", container(incompatible, List.of(wrongType))),
                400,
                "missing required field");

        // one good request, then the topic holds exactly that event
        HttpResponse<String> ok = post(webhook.url(), "application/avro", good);
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        List<ConsumerRecord<byte[], byte[]>> records = readAll(webhook.topic());
        assertThat(records).hasSize(1);
        assertThat(decode(records.get(0).value()).get("event_id").toString()).isEqualTo("r-1");

        // malformed bodies (400) and too many events (413) were copied to the DLQ with their reason
        List<ConsumerRecord<byte[], byte[]>> dead = new ArrayList<>();
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(30))
                .untilAsserted(() -> {
                    dead.clear();
                    dead.addAll(readAll(dlqTopic));
                    assertThat(dead).hasSize(11);
                });
        assertThat(dead).allSatisfy(r -> {
            assertThat(header(r, "reason")).isNotBlank();
            assertThat(header(r, "status")).isIn("400", "413");
        });
        assertThat(dead.stream().filter(r -> Arrays.equals(r.value(), trailing)))
                .hasSize(1);
    }

    private static void assertRejected(HttpResponse<String> response, int status, String reasonPart) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        String reason = json(response).get("error").asText();
        assertThat(reason).contains(reasonPart).doesNotContain("\n");
    }
}
