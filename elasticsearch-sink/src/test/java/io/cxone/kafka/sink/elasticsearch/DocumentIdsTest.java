package io.cxone.kafka.sink.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

class DocumentIdsTest {

    private static SinkRecord record(Schema keySchema, Object key) {
        return new SinkRecord("cxone.events", 2, keySchema, key, null, Map.of("a", 1), 1234L);
    }

    @Test
    void keyIgnoreUsesTopicPartitionOffsetSoReplaysOverwrite() {
        DocumentIds ids = new DocumentIds(true);

        assertThat(ids.id(record(Schema.STRING_SCHEMA, "ignored"))).isEqualTo("cxone.events+2+1234");
        assertThat(ids.id(record(null, null))).isEqualTo("cxone.events+2+1234");
    }

    @Test
    void primitiveKeysAreTheId() {
        DocumentIds ids = new DocumentIds(false);

        assertThat(ids.id(record(Schema.STRING_SCHEMA, "contact-9"))).isEqualTo("contact-9");
        assertThat(ids.id(record(Schema.INT64_SCHEMA, 77L))).isEqualTo("77");
        assertThat(ids.id(record(null, 5))).isEqualTo("5");
        assertThat(ids.id(record(Schema.BYTES_SCHEMA, new byte[] {1, 2, 3}))).isEqualTo("AQID");
    }

    @Test
    void nullEmptyAndComplexKeysAreRejected() {
        DocumentIds ids = new DocumentIds(false);
        Schema struct = SchemaBuilder.struct().field("id", Schema.STRING_SCHEMA).build();

        assertThatThrownBy(() -> ids.id(record(null, null)))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("null key");
        assertThatThrownBy(() -> ids.id(record(Schema.STRING_SCHEMA, ""))).isInstanceOf(DataException.class);
        assertThatThrownBy(() -> ids.id(record(struct, new Struct(struct).put("id", "x"))))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("STRUCT key");
        assertThatThrownBy(() -> ids.id(record(null, Map.of("id", "x")))).isInstanceOf(DataException.class);
    }
}
