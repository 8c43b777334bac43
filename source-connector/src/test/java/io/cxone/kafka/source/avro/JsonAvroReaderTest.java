package io.cxone.kafka.source.avro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

class JsonAvroReaderTest {

    /** As the webhook reads JSON: every non-integer number as a BigDecimal, whatever its exponent. */
    private static final ObjectMapper JSON =
            new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private static final Schema SCHEMA = new Schema.Parser().parse("""
            {"type":"record","name":"E","fields":[
              {"name":"id","type":"string"},
              {"name":"count","type":"int","default":0},
              {"name":"user","type":["null","string"]},
              {"name":"tags","type":{"type":"array","items":"string"}},
              {"name":"uuid","type":["null",{"type":"string","logicalType":"uuid"}],"default":null},
              {"name":"amount","type":["null",{"type":"bytes","logicalType":"decimal","precision":4,"scale":2}],"default":null},
              {"name":"ratio","type":"double","default":0},
              {"name":"weight","type":"float","default":0},
              {"name":"total","type":"long","default":0}
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
        assertThatThrownBy(() -> read("{\"id\":\"a\",\"tags\":[\"x\",3]}", false))
                .hasMessage("field 'tags[1]': expected a string");
        assertThatThrownBy(() -> read("{\"id\":\"a\",\"count\":1.5,\"tags\":[]}", false))
                .hasMessage("field 'count': expected a 32-bit integer");
        assertThatThrownBy(() -> read("{\"id\":\"a\",\"tags\":[],\"uuid\":\"nope\"}", false))
                .hasMessage("field 'uuid': expected a UUID");
        assertThatThrownBy(() -> read("{\"id\":\"a\",\"tags\":[],\"amount\":\"1.234\"}", false))
                .hasMessage("field 'amount': has more than 2 decimal places");
        assertThatThrownBy(() -> read("{\"id\":\"a\",\"tags\":[],\"amount\":\"123.4\"}", false))
                .hasMessage("field 'amount': exceeds precision 4");
        assertThatThrownBy(() -> read("\"text\"", false)).hasMessage("field '<root>': expected an object");
    }

    @Test
    void unknownFieldsAreRejectedOrIgnoredAsConfigured() throws Exception {
        assertThatThrownBy(() -> read("{\"id\":\"a\",\"tags\":[],\"zzz\":1}", false))
                .hasMessageContaining("field 'zzz': field is not in schema E");
        assertThat(read("{\"id\":\"a\",\"tags\":[],\"zzz\":1}", true).get("id")).isEqualTo("a");
    }

    @Test
    void acceptsAvroJsonUnionWrapping() throws Exception {
        assertThat(read("{\"id\":\"a\",\"tags\":[],\"user\":{\"string\":\"u1\"}}", false)
                        .get("user"))
                .isEqualTo("u1");
    }

    @Test
    void decimalsAreCheckedAgainstPrecisionAndScaleBeforeAnyConversion() throws Exception {
        // each of these made BigDecimal.setScale compute a number of a billion digits (minutes of CPU)
        assertRejectedQuickly(
                "{\"id\":\"a\",\"tags\":[],\"amount\":1e999999999}", "field 'amount': exceeds precision 4");
        assertRejectedQuickly(
                "{\"id\":\"a\",\"tags\":[],\"amount\":\"1e999999999\"}", "field 'amount': exceeds precision 4");
        assertRejectedQuickly(
                "{\"id\":\"a\",\"tags\":[],\"amount\":\"1e-999999999\"}",
                "field 'amount': has more than 2 decimal places");
        assertRejectedQuickly(
                "{\"id\":\"a\",\"tags\":[],\"amount\":\"" + "1".repeat(100) + "\"}",
                "field 'amount': decimal text longer than 36 characters");
        // what fits is still read, trailing zeros and exponents included
        assertThat(decimal("12.3")).isEqualByComparingTo("12.30");
        assertThat(decimal("1.200e1")).isEqualByComparingTo("12.00");
        assertThat(decimal("0e999999999")).isEqualByComparingTo("0");
        assertThat(decimal("-99.99")).isEqualByComparingTo("-99.99");
    }

    @Test
    void floatingPointNumbersOutOfRangeAreRefused() throws Exception {
        assertRejectedQuickly(
                "{\"id\":\"a\",\"tags\":[],\"ratio\":1e999999999}", "field 'ratio': is out of the range of a double");
        assertRejectedQuickly(
                "{\"id\":\"a\",\"tags\":[],\"ratio\":-1e-999999999}", "field 'ratio': is out of the range of a double");
        assertRejectedQuickly(
                "{\"id\":\"a\",\"tags\":[],\"weight\":1e300}", "field 'weight': is out of the range of a float");
        assertThat(read("{\"id\":\"a\",\"tags\":[],\"ratio\":2.5e-300,\"weight\":0.5}", false)
                        .get("ratio"))
                .isEqualTo(2.5e-300);
    }

    @Test
    void integersOutOfRangeAreRefused() {
        assertRejectedQuickly(
                "{\"id\":\"a\",\"tags\":[],\"total\":" + BigInteger.TWO.pow(300) + "}",
                "field 'total': expected a 64-bit integer");
        assertRejectedQuickly(
                "{\"id\":\"a\",\"tags\":[],\"count\":1e999999999}", "field 'count': expected a 32-bit integer");
    }

    private BigDecimal decimal(String text) throws Exception {
        ByteBuffer bytes = (ByteBuffer) read("{\"id\":\"a\",\"tags\":[],\"amount\":\"" + text + "\"}", false)
                .get("amount");
        byte[] unscaled = new byte[bytes.remaining()];
        bytes.duplicate().get(unscaled);
        return new BigDecimal(new BigInteger(unscaled), 2);
    }

    /** Rejected naming the field; the guard only catches a hang. */
    private void assertRejectedQuickly(String json, String message) {
        assertThatThrownBy(() -> assertTimeoutPreemptively(Duration.ofSeconds(30), () -> read(json, false)))
                .isInstanceOf(JsonAvroReader.JsonSchemaMismatch.class)
                .hasMessage(message);
    }
}
