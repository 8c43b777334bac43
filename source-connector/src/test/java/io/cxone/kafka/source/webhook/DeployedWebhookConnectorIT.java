package io.cxone.kafka.source.webhook;

import static io.cxone.kafka.source.webhook.WebhookTestSupport.datum;
import static io.cxone.kafka.source.webhook.WebhookTestSupport.decode;
import static io.cxone.kafka.source.webhook.WebhookTestSupport.event;
import static io.cxone.kafka.source.webhook.WebhookTestSupport.post;
import static io.cxone.kafka.source.webhook.WebhookTestSupport.readAll;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxone.kafka.stack.Ports;
import io.cxone.kafka.testkit.TestServices;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.Test;

/**
 * connectors/cxone-webhook-source.json as ./stack deploys it (only the registry URL, the listener port and the dedupe
 * consumer's Kafka point at the test services): RUNNING without its topic existing, and an event posted to it lands in
 * cxone.webhook.events.
 */
class DeployedWebhookConnectorIT {

    @Test
    void localStackConnectorStartsCleanlyAndPublishes() throws Exception {
        EmbeddedConnectCluster connect = WebhookTestSupport.connect();
        JsonNode spec = WebhookTestSupport.JSON.readTree(
                Path.of("../connectors/cxone-webhook-source.json").toFile());
        String name = spec.path("name").asText();
        Map<String, String> config = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = spec.path("config").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            config.put(e.getKey(), e.getValue().asText());
        }
        int port = Ports.freePort();
        config.put(WebhookConfig.PORT, Integer.toString(port));
        config.put(
                "value.converter.apicurio.registry.url", TestServices.registry().apicurioApiUrl());
        config.put(WebhookConfig.DEDUPE_BOOTSTRAP_SERVERS, TestServices.kafkaBootstrapServers());

        connect.configureConnector(name, config);
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(name, 1, "deployed webhook connector running");
        String url = "http://127.0.0.1:" + port
                + spec.path("config").path(WebhookConfig.PATH).asText();
        WebhookTestSupport.awaitListening(url);

        HttpResponse<String> ok = post(url, "application/avro", datum(event("deployed-1", "CALL_STARTED")));
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        String topic = config.get(WebhookConfig.TOPIC);
        List<ConsumerRecord<byte[], byte[]>> records = readAll(topic);
        assertThat(records).hasSize(1);
        assertThat(decode(records.get(0).value()).get("event_id").toString()).isEqualTo("deployed-1");
        connect.deleteConnector(name);
    }
}
