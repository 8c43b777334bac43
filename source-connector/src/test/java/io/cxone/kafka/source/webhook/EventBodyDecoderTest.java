package io.cxone.kafka.source.webhook;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventBodyDecoderTest {

    private final EventBodyDecoder decoder = new EventBodyDecoder(WebhookTestSupport.EVENT_SCHEMA, 10, false);

    @Test
    void containerFilesAreResolvedAgainstTheConfiguredSchema() throws Exception {
        // an older writer without user_id: the reader's default (null) fills it in
        Schema older = new Schema.Parser().parse("""
                {"type":"record","name":"DataActionEvent","namespace":"com.nice.cxone.events","fields":[
                  {"name":"event_id","type":"string"},
                  {"name":"timestamp","type":{"type":"long","logicalType":"timestamp-millis"}},
                  {"name":"action_type","type":"string"},
                  {"name":"metadata","type":{"type":"map","values":"string"}}]}""");
        GenericRecord event = new GenericData.Record(older);
        event.put("event_id", "e-1");
        event.put("timestamp", 5L);
        event.put("action_type", "A");
        event.put("metadata", Map.of());
        List<GenericRecord> records = decoder.decode("avro/binary", WebhookTestSupport.container(older, List.of(event, event)));
        assertThat(records).hasSize(2);
        assertThat(records.get(0).getSchema()).isEqualTo(WebhookTestSupport.EVENT_SCHEMA);
        assertThat(records.get(0).get("user_id")).isNull();
        assertThat(records.get(1).get("event_id").toString()).isEqualTo("e-1");
    }

    @Test
    void rejectsWithTheRightStatus() {
        assertStatus(() -> decoder.decode("application/json", new byte[0]), 400);
        assertStatus(() -> decoder.decode("application/json", "[]".getBytes(StandardCharsets.UTF_8)), 400);
        assertStatus(() -> decoder.decode("application/json", "{} {}".getBytes(StandardCharsets.UTF_8)), 400);
        assertStatus(() -> decoder.decode("text/csv", "a".getBytes(StandardCharsets.UTF_8)), 415);
        StringBuilder eleven = new StringBuilder("[");
        for (int i = 0; i < 11; i++) {
            eleven.append(i == 0 ? "" : ",").append("{\"event_id\":\"x\",\"timestamp\":1,\"action_type\":\"A\",\"metadata\":{}}");
        }
        assertStatus(() -> decoder.decode("application/json", eleven.append("]").toString().getBytes(StandardCharsets.UTF_8)), 413);
    }

    @Test
    void mediaTypeIgnoresParametersAndCase() {
        assertThat(EventBodyDecoder.mediaType("Application/JSON; charset=UTF-8")).isEqualTo("application/json");
        assertThat(EventBodyDecoder.mediaType(null)).isNull();
    }

    private static void assertStatus(Runnable call, int status) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(RejectedRequest.class, e -> assertThat(e.status()).isEqualTo(status));
    }
}
