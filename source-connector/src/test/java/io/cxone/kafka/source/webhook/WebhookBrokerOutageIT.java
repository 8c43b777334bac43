package io.cxone.kafka.source.webhook;

import static io.cxone.kafka.source.webhook.WebhookTestSupport.decode;
import static io.cxone.kafka.source.webhook.WebhookTestSupport.json;
import static io.cxone.kafka.source.webhook.WebhookTestSupport.post;
import static io.cxone.kafka.source.webhook.WebhookTestSupport.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cxone.kafka.testkit.TestServices;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * With the broker down, requests answer 503 with Retry-After once the ack timeout passes; after it is back, requests
 * answer 200 again and every 200'd event is in the topic. Stops the shared broker, so it runs after the other ITs
 * of this JVM ({@code junit-platform.properties} orders classes by {@link Order}).
 */
@Order(Integer.MAX_VALUE)
class WebhookBrokerOutageIT {

    @Test
    void brokerUnavailableAnswers503AndRecoveryAnswers200() throws Exception {
        EmbeddedConnectCluster connect = TestServices.connect();
        WebhookTestSupport.Webhook webhook =
                WebhookTestSupport.start("wh-outage", Map.of(WebhookConfig.ACK_TIMEOUT_MS, "2000"));
        HttpResponse<String> before =
                post(webhook.url(), "application/json", event("before").getBytes(StandardCharsets.UTF_8));
        assertThat(before.statusCode()).as(before.body()).isEqualTo(200);

        connect.kafka().stopOnlyBrokers();
        try {
            for (String id : List.of("down-1", "down-2")) {
                HttpResponse<String> down =
                        post(webhook.url(), "application/json", event(id).getBytes(StandardCharsets.UTF_8));
                assertThat(down.statusCode()).as(down.body()).isEqualTo(503);
                assertThat(down.headers().firstValue("Retry-After")).isPresent();
                assertThat(json(down).get("error").asText()).contains("ack.timeout.ms=2000");
            }
        } finally {
            connect.kafka().restartOnlyBrokers();
        }

        AtomicReference<HttpResponse<String>> after = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> {
                    after.set(post(
                            webhook.url(), "application/json", event("after").getBytes(StandardCharsets.UTF_8)));
                    return after.get().statusCode() == 200;
                });
        Set<String> inTopic = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> record : readAll(webhook.topic())) {
            inTopic.add(decode(record.value()).get("event_id").toString());
        }
        // every acknowledged event is there; the 503'd ones may or may not be (their answers said so)
        assertThat(inTopic).contains("before", "after");
        assertThat(inTopic).isSubsetOf("before", "down-1", "down-2", "after");
        connect.deleteConnector(webhook.name());
    }

    private static String event(String id) {
        return "{\"event_id\":\"" + id + "\",\"timestamp\":1763000000000,\"action_type\":\"T\",\"metadata\":{}}";
    }
}
