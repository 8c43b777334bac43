package io.cxone.kafka.source.avro;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonAvroReaderTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Schema SCHEMA = new Schema.Parser().parse("""
            {"type":"record","name":"E","fields":[
              {"name":"id","type":"string"},
              {"name":"count","type":"int","default":0},
              {"name":"user","type":["null","string"]},
              {"name":"tags","type":{"type":"array","items":"string"}},
              {"name":"uuid","type":["null",{"type":"string","logicalType":"uuid"}],"default":null},
              {"name":"amount","type":["null",{"type":"bytes","logicalType":"decimal","precision":4,"scale":2}],"default":null}
            ]}""");

    private GenericRecord read(String json, boolean ignoreUnknown) throws Exception {
        return (GenericRecord) new JsonAvroReader(ignoreUnknown).read(JSON.readTree(json), SCHEMA, "");
    }

    @Test
    void fillsDefaultsAndNullsForMissingOptionalFields() throws Exception {
        GenericRecord record = read("{\"id\":\"a\",\"tags\":[]}", false);
        assertThat(record.get("count")).isEqualTo(0);
        assertThat(record.get("user")).isNull();
    }

    @Test
    void errorsNameTheFieldPath() {
        assertThatThrownBy(() -> read("{\"tags\":[]}", false)).hasMessage("field 'id': required field is missing");
        assertThatThrownBy(() -> read("{\"id\":\"a\",\"tags\":[\"x\",3]}", false)).hasMessage("field 'tags[1]': expected a string");
        assertThatThrownBy(() -> read("{\"id\":\"a\",\"count\":1.5,\"tags\":[]}", false)).hasMessage("field 'count': expected a 32-bit integer");
        assertThatThrownBy(() -> read("{\"id\":\"a\",\"tags\":[],\"uuid\":\"nope\"}", false)).hasMessage("field 'uuid': expected a UUID");
        assertThatThrownBy(() -> read("{\"id\":\"a\",\"tags\":[],\"amount\":\"1.234\"}", false)).hasMessage("field 'amount': has more than 2 decimal places");
        assertThatThrownBy(() -> read("{\"id\":\"a\",\"tags\":[],\"amount\":\"123.4\"}", false)).hasMessage("field 'amount': exceeds precision 4");
        assertThatThrownBy(() -> read("\"text\"", false)).hasMessage("field '<root>': expected an object");
    }

    @Test
    void unknownFieldsAreRejectedOrIgnoredAsConfigured() throws Exception {
        assertThatThrownBy(() -> read("{\"id\":\"a\",\"tags\":[],\"zzz\":1}", false)).hasMessageContaining("field 'zzz': field is not in schema E");
        assertThat(read("{\"id\":\"a\",\"tags\":[],\"zzz\":1}", true).get("id")).isEqualTo("a");
    }

    @Test
    void acceptsAvroJsonUnionWrapping() throws Exception {
        assertThat(read("{\"id\":\"a\",\"tags\":[],\"user\":{\"string\":\"u1\"}}", false).get("user")).isEqualTo("u1");
    }
}
