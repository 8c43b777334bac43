package io.cxone.kafka.source.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cxone.kafka.source.offsets.OffsetsTopicBytes;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExportOffsetTest {

    private static final String SHA = "a".repeat(64);

    @Test
    void roundTripsThroughTheStoredMap() {
        ExportOffset offset = new ExportOffset("job-7", 3000, 1000, SHA, "0123456789abcdef");
        assertThat(ExportOffset.fromMap(offset.toMap())).isEqualTo(offset);
        assertThat(offset.toMap()).containsEntry(ExportOffset.VERSION_KEY, 1);
        assertThat(offset.chunkStart()).isEqualTo(2000);
    }

    @Test
    void acceptsNumbersAsKafkaJsonOffsetStoresThem() {
        Map<String, Object> stored = new HashMap<>(new ExportOffset("job-7", 30, 10, SHA, null).toMap());
        stored.put(ExportOffset.ROW_OFFSET_KEY, 30L);
        stored.put(ExportOffset.CHUNK_ROWS_KEY, 10L);
        stored.put(ExportOffset.VERSION_KEY, 1L);
        assertThat(ExportOffset.fromMap(stored).rowOffset()).isEqualTo(30);
    }

    @Test
    void refusesUnknownVersionsAndNamesTheWrongKey() {
        Map<String, Object> stored = new HashMap<>(new ExportOffset("job-7", 30, 10, SHA, null).toMap());
        stored.put(ExportOffset.VERSION_KEY, 2);
        assertThatThrownBy(() -> ExportOffset.fromMap(stored)).hasMessageContaining("'v' must be 1");

        stored.put(ExportOffset.VERSION_KEY, 1);
        stored.put(ExportOffset.ROW_OFFSET_KEY, "thirty");
        assertThatThrownBy(() -> ExportOffset.fromMap(stored)).hasMessageContaining("'row_offset' must be a number");

        stored.put(ExportOffset.ROW_OFFSET_KEY, 5);
        assertThatThrownBy(() -> ExportOffset.fromMap(stored))
                .hasMessageContaining("chunk_rows must be between 0 and row_offset");

        stored.put(ExportOffset.ROW_OFFSET_KEY, 30);
        stored.put(ExportOffset.CHUNK_SHA256_KEY, "not-a-digest");
        assertThatThrownBy(() -> ExportOffset.fromMap(stored))
                .hasMessageContaining("chunk_sha256 must be 64 lowercase hex");
    }

    @Test
    void validatesPartitionsForAlterOffsets() {
        ExportOffset.validatePartition(ExportOffset.partition("records", "report-1"), false);
        assertThatThrownBy(
                        () -> ExportOffset.validatePartition(Map.of("cxone.api", "soap", "cxone.source", "r"), false))
                .hasMessageContaining("'cxone.api' must be one of [records, data-extraction, reporting]");
        assertThatThrownBy(() -> ExportOffset.validatePartition(Map.of("cxone.api", "records"), false))
                .hasMessageContaining("'cxone.source' must be a non-empty string");
        assertThatThrownBy(() -> ExportOffset.validatePartition(
                        Map.of("cxone.api", "records", "cxone.source", "r", "x", "y"), false))
                .hasMessageContaining("exactly the keys");
        // An earlier version's partition: a reset may remove it, a new offset must use this version's keys.
        ExportOffset.validatePartition(Map.of("api", "records", "source", "r"), true);
        assertThatThrownBy(() -> ExportOffset.validatePartition(Map.of("api", "records", "source", "r"), false))
                .hasMessageContaining("keys of an earlier version")
                .hasMessageContaining("GET /connectors/{name}/offsets");
    }

    @Test
    void connectorAlterOffsetsRefusesBadOffsets() {
        CxoneExportSourceConnector connector = new CxoneExportSourceConnector();
        Map<Map<String, ?>, Map<String, ?>> good =
                Map.of(ExportOffset.partition("records", "r1"), new ExportOffset("job", 10, 10, SHA, null).toMap());
        assertThat(connector.alterOffsets(Map.of(), good)).isTrue();
        Map<Map<String, ?>, Map<String, ?>> bad =
                Map.of(ExportOffset.partition("records", "r1"), Map.of("v", 1, "job", "x"));
        assertThatThrownBy(() -> connector.alterOffsets(Map.of(), bad)).hasMessageContaining("row_offset");
    }

    /**
     * The stored bytes of a partition and an offset. Connect finds a checkpoint by the exact bytes of the partition, so
     * any change here orphans every checkpoint already stored.
     */
    @Test
    void partitionAndOffsetSerializeToFixedBytes() {
        assertThat(OffsetsTopicBytes.key("cxone-export-source", ExportOffset.partition("records", "contact-history")))
                .isEqualTo(
                        "[\"cxone-export-source\",{\"cxone.source\":\"contact-history\",\"cxone.api\":\"records\"}]");
        assertThat(ExportOffset.legacyPartitions("records", "contact-history"))
                .map(p -> OffsetsTopicBytes.key("cxone-export-source", p))
                .containsExactly(
                        "[\"cxone-export-source\",{\"api\":\"records\",\"source\":\"contact-history\"}]",
                        "[\"cxone-export-source\",{\"source\":\"contact-history\",\"api\":\"records\"}]");
        assertThat(OffsetsTopicBytes.value(
                        "cxone-export-source", new ExportOffset("job-7", 3000, 1000, SHA, "0123456789abcdef").toMap()))
                .isEqualTo("{\"v\":1,\"chunk_rows\":1000,\"row_offset\":3000,\"chunk_sha256\":\"" + SHA
                        + "\",\"job\":\"job-7\",\"schema_fingerprint\":\"0123456789abcdef\"}");
    }

    /** A PATCH may give the partition's keys in either order: the worker writes them in the one order the task reads. */
    @Test
    void partitionKeysGivenInAnyOrderSerializeAlikeAfterTheWorkersRoundTrip() {
        Map<String, String> canonical = ExportOffset.partition("records", "r1");
        java.util.LinkedHashMap<String, Object> sourceFirst = new java.util.LinkedHashMap<>();
        sourceFirst.put("cxone.source", "r1");
        sourceFirst.put("cxone.api", "records");
        java.util.LinkedHashMap<String, Object> apiFirst = new java.util.LinkedHashMap<>();
        apiFirst.put("cxone.api", "records");
        apiFirst.put("cxone.source", "r1");
        for (Map<String, Object> given : List.of(sourceFirst, apiFirst)) {
            assertThat(OffsetsTopicBytes.key("c", OffsetsTopicBytes.asTheWorkerReadsIt(given)))
                    .isEqualTo(OffsetsTopicBytes.key("c", canonical));
        }
        CxoneExportSourceConnector connector = new CxoneExportSourceConnector();
        Map<String, Object> offset = new ExportOffset("job", 10, 10, SHA, null).toMap();
        assertThat(connector.alterOffsets(Map.of(), Map.of(sourceFirst, offset)))
                .isTrue();
        assertThat(connector.alterOffsets(Map.of(), Map.of(apiFirst, offset))).isTrue();
    }
}
