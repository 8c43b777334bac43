package io.cxone.kafka.source.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxone.kafka.source.offsets.OffsetsTopicBytes;
import org.junit.jupiter.api.Test;

/** The webhook's partition and offset as stored bytes: a change of keys or order fails here, not after a restart. */
class WebhookSourceMapsTest {

    @Test
    void partitionAndOffsetSerializeToFixedBytes() {
        assertThat(OffsetsTopicBytes.key("cxone-webhook-source", WebhookRequestHandler.sourcePartition(2)))
                .isEqualTo("[\"cxone-webhook-source\",{\"webhook.task\":\"2\"}]");
        assertThat(OffsetsTopicBytes.value("cxone-webhook-source", WebhookRequestHandler.sourceOffset("req-1")))
                .isEqualTo("{\"request.id\":\"req-1\"}");
    }
}
