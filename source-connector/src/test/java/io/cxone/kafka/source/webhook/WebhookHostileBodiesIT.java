package io.cxone.kafka.source.webhook;

import static io.cxone.kafka.source.webhook.HostileBodies.blockSizeBomb;
import static io.cxone.kafka.source.webhook.HostileBodies.containerWithCodec;
import static io.cxone.kafka.source.webhook.HostileBodies.containerWithoutSchema;
import static io.cxone.kafka.source.webhook.HostileBodies.deepJson;
import static io.cxone.kafka.source.webhook.HostileBodies.deflateBomb;
import static io.cxone.kafka.source.webhook.HostileBodies.mapCountBomb;
import static io.cxone.kafka.source.webhook.HostileBodies.nullArrayBomb;
import static io.cxone.kafka.source.webhook.HostileBodies.stringLengthBomb;
import static io.cxone.kafka.source.webhook.WebhookTestSupport.datum;
import static io.cxone.kafka.source.webhook.WebhookTestSupport.decode;
import static io.cxone.kafka.source.webhook.WebhookTestSupport.event;
import static io.cxone.kafka.source.webhook.WebhookTestSupport.json;
import static io.cxone.kafka.source.webhook.WebhookTestSupport.post;
import static io.cxone.kafka.source.webhook.WebhookTestSupport.readAll;
import static org.assertj.core.api.Assertions.assertThat;

import io.cxone.kafka.testkit.TestServices;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The bodies that once took the worker down (OutOfMemoryError, a core spinning, 500s) each get a 4xx naming the
 * problem from a webhook task on the real worker, decoded where the handler decodes them: small bodies on the thread
 * that read them, bodies over 64 KiB on Jetty's pool. Afterwards the task is running and a valid event is accepted.
 */
class WebhookHostileBodiesIT {

    private static WebhookTestSupport.Webhook webhook;

    @BeforeAll
    static void startConnector() throws Exception {
        webhook = WebhookTestSupport.start("wh-hostile", Map.of()); // default limits: request.max.bytes 1 MiB
    }

    @AfterAll
    static void deleteConnector() {
        TestServices.connect().deleteConnector(webhook.name());
    }

    @Test
    void eachHostileBodyGetsItsStatusAndReasonAndTheWorkerCarriesOn() throws Exception {
        // decoded inline (under 64 KiB)
        assertRejected(
                "application/avro",
                stringLengthBomb(),
                400,
                "string of 1900000000 bytes declared where only 3 bytes remain");
        assertRejected(
                "application/avro", mapCountBomb(), 400, "map declares 500000000 entries where only 8 bytes remain");
        assertRejected(
                "avro/binary",
                blockSizeBomb(1L << 31),
                400,
                "block of 2147483648 bytes declared where only 20 bytes remain");
        assertRejected("avro/binary", blockSizeBomb(Integer.MAX_VALUE), 400, "block of 2147483647 bytes declared");
        assertRejected("avro/binary", nullArrayBomb(), 413, "array/map items");
        assertRejected("avro/binary", containerWithoutSchema(), 400, "no writer schema (avro.schema) in the header");
        assertRejected(
                "avro/binary",
                containerWithCodec("snappy"),
                400,
                "codec 'snappy' is not accepted; use null or deflate");
        // decoded on Jetty's pool (over 64 KiB)
        byte[] deflateBomb = deflateBomb(1_000_000_000L);
        assertThat(deflateBomb.length).isGreaterThan(WebhookRequestHandler.INLINE_DECODE_BYTES);
        assertRejected(
                "avro/binary", deflateBomb, 413, "inflates to more than request.max.decoded.bytes=8388608 bytes");
        assertRejected("application/json", deepJson(100_000), 400, "JSON exceeds a limit: Document nesting depth");

        TestServices.connect()
                .assertions()
                .assertConnectorAndExactlyNumTasksAreRunning(
                        webhook.name(), 1, "the webhook task stopped after hostile bodies");
        HttpResponse<String> ok = post(webhook.url(), "application/avro", datum(event("h-1", "OK")));
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        List<ConsumerRecord<byte[], byte[]>> records = readAll(webhook.topic());
        assertThat(records).hasSize(1);
        assertThat(decode(records.get(0).value()).get("event_id").toString()).isEqualTo("h-1");
    }

    private static void assertRejected(String contentType, byte[] body, int status, String reasonPart)
            throws Exception {
        HttpResponse<String> response = post(webhook.url(), contentType, body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(json(response).get("error").asText()).contains(reasonPart);
    }
}
