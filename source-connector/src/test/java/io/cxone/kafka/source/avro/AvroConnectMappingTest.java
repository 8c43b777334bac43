package io.cxone.kafka.source.avro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;
import org.junit.jupiter.api.Test;

class AvroConnectMappingTest {

    private static final Schema RICH = new Schema.Parser().parse("""
            {"type":"record","name":"Rich","namespace":"t","fields":[
              {"name":"id","type":{"type":"string","logicalType":"uuid"}},
              {"name":"ms","type":{"type":"long","logicalType":"timestamp-millis"}},
              {"name":"us","type":{"type":"long","logicalType":"timestamp-micros"}},
              {"name":"day","type":{"type":"int","logicalType":"date"}},
              {"name":"amount","type":{"type":"bytes","logicalType":"decimal","precision":6,"scale":2}},
              {"name":"price","type":{"type":"fixed","name":"Price","size":4,"logicalType":"decimal","precision":6,"scale":1}},
              {"name":"kind","type":{"type":"enum","name":"Kind","symbols":["A","B"]}},
              {"name":"opt","type":["null","string"],"default":null},
              {"name":"either","type":["int","string"]},
              {"name":"list","type":{"type":"array","items":"long"}},
              {"name":"map","type":{"type":"map","values":["null","double"]}},
              {"name":"nested","type":{"type":"record","name":"Nested","fields":[{"name":"flag","type":"boolean"}]}}
            ]}""");

    @Test
    void mapsEveryAvroTypeToTheMatchingConnectSchema() {
        AvroConnectMapping mapping = AvroConnectMapping.of(RICH);
        org.apache.kafka.connect.data.Schema schema = mapping.connectSchema();
        assertThat(schema.name()).isEqualTo("t.Rich");
        assertThat(schema.field("id").schema().type()).isEqualTo(org.apache.kafka.connect.data.Schema.Type.STRING);
        assertThat(schema.field("ms").schema().name()).isEqualTo(Timestamp.LOGICAL_NAME);
        assertThat(schema.field("us").schema().name()).isEqualTo(Timestamp.LOGICAL_NAME);
        assertThat(schema.field("day").schema().name()).isEqualTo(org.apache.kafka.connect.data.Date.LOGICAL_NAME);
        assertThat(schema.field("amount").schema().name()).isEqualTo(Decimal.LOGICAL_NAME);
        assertThat(schema.field("kind").schema().type()).isEqualTo(org.apache.kafka.connect.data.Schema.Type.STRING);
        assertThat(schema.field("opt").schema().isOptional()).isTrue();
        assertThat(schema.field("either").schema().name()).isEqualTo(AvroConnectMapping.UNION_SCHEMA_NAME);
        assertThat(schema.field("list").schema().valueSchema().type())
                .isEqualTo(org.apache.kafka.connect.data.Schema.Type.INT64);
        assertThat(schema.field("map").schema().valueSchema().isOptional()).isTrue();
        assertThat(schema.field("nested").schema().name()).isEqualTo("t.Nested");
    }

    @Test
    void convertsValuesIncludingLogicalTypes() {
        GenericRecord record = new GenericData.Record(RICH);
        record.put("id", "6f1c2a7e-6f0a-4a8e-9d7c-2b1f3e4d5a6b");
        record.put("ms", 1_000L);
        record.put("us", 2_000_999L);
        record.put("day", 1);
        record.put(
                "amount",
                ByteBuffer.wrap(new BigDecimal("12.34").unscaledValue().toByteArray()));
        record.put("price", new GenericData.Fixed(RICH.getField("price").schema(), new byte[] {
            (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xF6
        }));
        record.put("kind", new GenericData.EnumSymbol(RICH.getField("kind").schema(), "B"));
        record.put("opt", null);
        record.put("either", "text");
        record.put("list", List.of(1L, 2L));
        record.put("map", Map.of("x", 1.5));
        GenericRecord nested = new GenericData.Record(RICH.getField("nested").schema());
        nested.put("flag", true);
        record.put("nested", nested);

        Struct struct = (Struct) AvroConnectMapping.of(RICH).toConnect(record);
        struct.validate();
        assertThat(struct.get("ms")).isEqualTo(new java.util.Date(1_000L));
        assertThat(struct.get("us")).isEqualTo(new java.util.Date(2_000L));
        assertThat(struct.get("day")).isEqualTo(new java.util.Date(86_400_000L));
        assertThat(struct.get("amount")).isEqualTo(new BigDecimal("12.34"));
        assertThat(struct.get("price")).isEqualTo(new BigDecimal("-1.0"));
        assertThat(struct.get("kind")).isEqualTo("B");
        assertThat(struct.get("opt")).isNull();
        assertThat(struct.getStruct("either").get("string")).isEqualTo("text");
        assertThat(struct.getStruct("either").get("int")).isNull();
        assertThat(struct.getArray("list")).containsExactly(1L, 2L);
        assertThat(struct.getMap("map")).containsEntry("x", 1.5);
        assertThat(struct.getStruct("nested").getBoolean("flag")).isTrue();
    }

    @Test
    void jsonAndBinaryAvroGiveTheSameStruct() throws Exception {
        String json = """
                {"id":"6f1c2a7e-6f0a-4a8e-9d7c-2b1f3e4d5a6b","ms":"1970-01-01T00:00:01Z","us":2000999,"day":"1970-01-02",
                 "amount":"12.34","price":-1.0,"kind":"B","either":"text","list":[1,2],"map":{"x":1.5},"nested":{"flag":true}}""";
        GenericRecord fromJson =
                (GenericRecord) new JsonAvroReader(false).read(new ObjectMapper().readTree(json), RICH, "");
        Struct struct = (Struct) AvroConnectMapping.of(RICH).toConnect(fromJson);
        struct.validate();
        assertThat(struct.get("ms")).isEqualTo(new java.util.Date(1_000L));
        assertThat(struct.get("day")).isEqualTo(new java.util.Date(86_400_000L));
        assertThat(struct.get("amount")).isEqualTo(new BigDecimal("12.34"));
        assertThat(struct.get("price")).isEqualTo(new BigDecimal("-1.0"));
        assertThat(GenericData.get().validate(RICH, fromJson)).isTrue();
    }

    @Test
    void mappingIsBuiltOncePerSchema() {
        assertThat(AvroConnectMapping.of(RICH))
                .isSameAs(AvroConnectMapping.of(new Schema.Parser().parse(RICH.toString())));
    }

    @Test
    void recursiveRecordsAreRefused() {
        Schema recursive = new Schema.Parser().parse("""
                {"type":"record","name":"Node","fields":[{"name":"next","type":["null","Node"]}]}""");
        assertThatThrownBy(() -> AvroConnectMapping.of(recursive))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("recursive");
    }
}
