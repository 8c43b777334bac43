package io.cxone.kafka.bridge;

import static io.cxone.kafka.bridge.BridgeTestSupport.produce;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cxone.kafka.source.export.ChunkChecksum;
import io.cxone.kafka.source.export.ChunkPipeline;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntUnaryOperator;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/** What the dashboard tests produce to Kafka: CXone-like agent events and export chunks with their headers. */
final class DashboardRecords {

    private static final ObjectMapper JSON = new ObjectMapper();

    private DashboardRecords() {}

    /** Produces one CXone-like agent event, keyed by its id (so partitions all get events); returns the id. */
    static String event(String topic, int n, String action, long eventTime) {
        String id = "evt-" + n;
        produce(
                topic,
                null,
                id,
                ("{\"event_id\":\"" + id + "\",\"action_type\":\"" + action + "\",\"user\":\"agent-" + n
                                + "\",\"timestamp\":" + eventTime + "}")
                        .getBytes(StandardCharsets.UTF_8));
        return id;
    }

    /**
     * One chunk as the export source writes it (JSON values, the chunk headers), with the SHA-256 that
     * {@link ChunkChecksum} computes over {@code hashed}, while the records carry {@code written}.
     */
    static void produceChunk(
            String topic,
            String job,
            List<String> hashed,
            List<String> written,
            IntUnaryOperator partitionOfRow,
            boolean withRowPlace)
            throws Exception {
        List<JsonNode> rows = new ArrayList<>();
        for (String row : hashed) {
            rows.add(JSON.readTree(row));
        }
        String sha = ChunkChecksum.sha256(rows);
        for (int i = 0; i < written.size(); i++) {
            List<Header> headers = new ArrayList<>(List.of(
                    header(ChunkPipeline.HEADER_CHUNK_OFFSET, "0"),
                    header(ChunkPipeline.HEADER_CHUNK_SIZE, Integer.toString(written.size())),
                    header(ChunkPipeline.HEADER_CHUNK_SHA256, sha),
                    header(ChunkPipeline.HEADER_JOB_ID, job)));
            if (withRowPlace) {
                headers.add(header(ChunkPipeline.HEADER_CHUNK_ROW, Integer.toString(i)));
            }
            produce(
                    topic,
                    partitionOfRow.applyAsInt(i),
                    null,
                    written.get(i).getBytes(StandardCharsets.UTF_8),
                    headers);
        }
    }

    private static Header header(String name, String value) {
        return new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
