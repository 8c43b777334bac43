package io.cxone.kafka.source.export;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.apache.kafka.connect.data.Field;
import org.junit.jupiter.api.Test;

class StructBuilderTest {

    private static List<JsonNode> rows(String... json) throws Exception {
        List<JsonNode> rows = new java.util.ArrayList<>();
        for (String row : json) {
            rows.add(CxoneHttp.JSON.readTree(row));
        }
        return rows;
    }

    /**
     * The baseline of a run is its first chunk, of a resumed run the re-read boundary chunk: rows that show fields in
     * another order (a null field left out) must give the same schema, or every restart publishes a new schema version.
     */
    @Test
    void schemaDoesNotDependOnTheOrderRowsShowFieldsIn() throws Exception {
        ChunkShape firstChunk =
                ChunkShape.of(rows("{\"id\":\"1\",\"agent\":\"a\"}", "{\"id\":\"2\",\"agent\":\"b\",\"skill\":\"s\"}"));
        ChunkShape boundaryChunk = ChunkShape.of(
                rows("{\"skill\":\"s\",\"id\":\"9\"}", "{\"id\":\"10\",\"agent\":\"c\",\"skill\":\"t\"}"));
        assertThat(firstChunk.fingerprint()).isEqualTo(boundaryChunk.fingerprint());
        org.apache.kafka.connect.data.Schema before = new StructBuilder("r1").schemaFor(firstChunk, 1);
        org.apache.kafka.connect.data.Schema after = new StructBuilder("r1").schemaFor(boundaryChunk, 1);
        assertThat(after).isEqualTo(before);
        assertThat(before.fields()).extracting(Field::name).containsExactly("agent", "id", "skill");
    }
}
