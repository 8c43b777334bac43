package io.cxone.kafka.source.webhook;

import static io.cxone.kafka.source.webhook.WebhookTestSupport.decode;
import static io.cxone.kafka.source.webhook.WebhookTestSupport.json;
import static io.cxone.kafka.source.webhook.WebhookTestSupport.post;
import static io.cxone.kafka.source.webhook.WebhookTestSupport.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxone.kafka.testkit.TestServices;
import java.lang.management.ManagementFactory;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.Test;

/**
 * Answers follow Kafka: a full queue answers 429 and accepts nothing of the request, Kafka not taking events within
 * the ack timeout answers 503 and withdraws them, every 200'd event is in the topic, and retries of acknowledged
 * events are answered from the dedupe window instead of being published again. Kafka is made "slow" by pausing
 * the connector: the worker stops polling while the listener keeps accepting.
 */
class WebhookDeliveryIT {

    @Test
    void fullQueueAnswers429AndEveryAcknowledgedEventIsInTheTopic() throws Exception {
        EmbeddedConnectCluster connect = TestServices.connect();
        WebhookTestSupport.Webhook webhook = WebhookTestSupport.start(
                "wh-overload",
                Map.of(
                        WebhookConfig.QUEUE_MAX_EVENTS, "6",
                        WebhookConfig.REQUEST_MAX_EVENTS, "2",
                        WebhookConfig.ACK_TIMEOUT_MS, "60000",
                        WebhookConfig.RETRY_AFTER_SECONDS, "2"));
        connect.pauseConnector(webhook.name());
        connect.assertions().assertConnectorAndExactlyNumTasksArePaused(webhook.name(), 1, "connector did not pause");

        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String body = "[" + jsonEvent("o-" + i + "-a") + "," + jsonEvent("o-" + i + "-b") + "]";
            calls.add(WebhookTestSupport.HTTP.sendAsync(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(webhook.url()))
                            .header("Content-Type", "application/json")
                            .timeout(Duration.ofSeconds(90))
                            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        // 3 requests fill the queue (6 events) and wait for Kafka; the other 7 are refused at once
        await().atMost(Duration.ofSeconds(30))
                .until(() -> calls.stream().filter(CompletableFuture::isDone).count() == 7);
        for (CompletableFuture<HttpResponse<String>> call : calls) {
            if (call.isDone()) {
                HttpResponse<String> refused = call.join();
                assertThat(refused.statusCode()).as(refused.body()).isEqualTo(429);
                assertThat(refused.headers().firstValue("Retry-After")).contains("2");
                assertThat(json(refused).get("error").asText()).contains("queue full");
            }
        }
        assertThat(metric(webhook.name(), "queue-depth")).isEqualTo(6L);

        connect.resumeConnector(webhook.name());
        Set<String> acknowledged = new HashSet<>();
        Set<String> refused = new HashSet<>();
        for (CompletableFuture<HttpResponse<String>> call : calls) {
            HttpResponse<String> response = call.get(60, TimeUnit.SECONDS);
            if (response.statusCode() == 200) {
                for (JsonNode result : json(response).get("results")) {
                    acknowledged.add(result.get("eventId").asText());
                }
            } else {
                refused.add(response.body());
            }
        }
        assertThat(acknowledged).hasSize(6);
        assertThat(refused).hasSize(7);
        List<ConsumerRecord<byte[], byte[]>> records = readAll(webhook.topic());
        Set<String> inTopic = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            inTopic.add(decode(record.value()).get("event_id").toString());
        }
        assertThat(records).hasSize(6);
        assertThat(inTopic).isEqualTo(acknowledged);
        assertThat(metric(webhook.name(), "queue-depth")).isEqualTo(0L);
        assertThat(metric(webhook.name(), "events-total")).isEqualTo(6L);
        connect.deleteConnector(webhook.name());
    }

    @Test
    void kafkaNotTakingEventsWithinTheAckTimeoutAnswers503AndPublishesNothing() throws Exception {
        EmbeddedConnectCluster connect = TestServices.connect();
        WebhookTestSupport.Webhook webhook =
                WebhookTestSupport.start("wh-slow", Map.of(WebhookConfig.ACK_TIMEOUT_MS, "1500"));
        connect.pauseConnector(webhook.name());
        connect.assertions().assertConnectorAndExactlyNumTasksArePaused(webhook.name(), 1, "connector did not pause");

        long started = System.nanoTime();
        HttpResponse<String> slow =
                post(webhook.url(), "application/json", jsonEvent("slow-1").getBytes(StandardCharsets.UTF_8));
        assertThat(slow.statusCode()).as(slow.body()).isEqualTo(503);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isGreaterThanOrEqualTo(1400);
        assertThat(slow.headers().firstValue("Retry-After")).contains("1");
        assertThat(json(slow).get("error").asText()).contains("ack.timeout.ms=1500");

        connect.resumeConnector(webhook.name());
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(webhook.name(), 1, "connector did not resume");
        HttpResponse<String> ok =
                post(webhook.url(), "application/json", jsonEvent("slow-2").getBytes(StandardCharsets.UTF_8));
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        List<ConsumerRecord<byte[], byte[]>> records = readAll(webhook.topic());
        assertThat(records).hasSize(1);
        assertThat(decode(records.get(0).value()).get("event_id").toString()).isEqualTo("slow-2");
        assertThat(metric(webhook.name(), "requests-total", "503")).isEqualTo(1L);
        connect.deleteConnector(webhook.name());
    }

    @Test
    void retriedEventsAreAnsweredFromTheDedupeWindowAndPublishedOnce() throws Exception {
        WebhookTestSupport.Webhook webhook =
                WebhookTestSupport.start("wh-dedupe", Map.of(WebhookConfig.DEDUPE_WINDOW_MS, "60000"));
        HttpResponse<String> first =
                post(webhook.url(), "application/json", jsonEvent("d-1").getBytes(StandardCharsets.UTF_8));
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        long offset = json(first).get("results").get(0).get("offset").asLong();

        HttpResponse<String> retry =
                post(webhook.url(), "application/json", jsonEvent("d-1").getBytes(StandardCharsets.UTF_8));
        assertThat(retry.statusCode()).as(retry.body()).isEqualTo(200);
        JsonNode retried = json(retry).get("results").get(0);
        assertThat(retried.get("duplicate").asBoolean()).isTrue();
        assertThat(retried.get("offset").asLong()).isEqualTo(offset);

        String mixed = "[" + jsonEvent("d-1") + "," + jsonEvent("d-2") + "," + jsonEvent("d-2") + "]";
        HttpResponse<String> batch = post(webhook.url(), "application/json", mixed.getBytes(StandardCharsets.UTF_8));
        assertThat(batch.statusCode()).as(batch.body()).isEqualTo(200);
        JsonNode results = json(batch).get("results");
        assertThat(results.get(0).get("duplicate").asBoolean()).isTrue();
        assertThat(results.get(1).has("duplicate")).isFalse();
        assertThat(results.get(2).get("duplicate").asBoolean()).isTrue();
        assertThat(results.get(2).get("offset").asLong())
                .isEqualTo(results.get(1).get("offset").asLong());

        List<ConsumerRecord<byte[], byte[]>> records = readAll(webhook.topic());
        assertThat(records.stream()
                        .map(r -> {
                            try {
                                return decode(r.value()).get("event_id").toString();
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        })
                        .collect(Collectors.toList()))
                .containsExactly("d-1", "d-2");
        assertThat(metric(webhook.name(), "duplicates-total")).isEqualTo(3L);
        assertThat(metric(webhook.name(), "requests-total", "200")).isEqualTo(3L);
        TestServices.connect().deleteConnector(webhook.name());
    }

    private static String jsonEvent(String id) {
        return "{\"event_id\":\"" + id + "\",\"timestamp\":1763000000000,\"action_type\":\"T\",\"metadata\":{}}";
    }

    /** A plugin metric of the connector's task, read through JMX like an operator would. */
    private static long metric(String connector, String name, String... status) throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        for (ObjectName objectName : server.queryNames(new ObjectName("kafka.connect:*"), null)) {
            if (!connector.equals(objectName.getKeyProperty("connector"))) {
                continue;
            }
            String statusTag = objectName.getKeyProperty("status");
            if (status.length == 0 ? statusTag != null : !status[0].equals(statusTag)) {
                continue;
            }
            for (var attribute : server.getMBeanInfo(objectName).getAttributes()) {
                if (attribute.getName().equals(name)) {
                    return ((Number) server.getAttribute(objectName, name)).longValue();
                }
            }
        }
        throw new AssertionError("no JMX metric " + name + " for connector " + connector);
    }
}
