package io.cxone.kafka.source.offsets;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.json.JsonConverter;
import org.junit.jupiter.api.Test;

class SourceMapsTest {

    @Test
    void canonicalOrderDoesNotDependOnInsertionOrder() {
        Map<String, Object> one = new LinkedHashMap<>();
        one.put("api", "records");
        one.put("source", "r1");
        Map<String, Object> other = new LinkedHashMap<>();
        other.put("source", "r1");
        other.put("api", "records");
        assertThat(OffsetsTopicBytes.key("c", SourceMaps.canonical(one)))
                .isEqualTo(OffsetsTopicBytes.key("c", SourceMaps.canonical(other)))
                .isEqualTo("[\"c\",{\"api\":\"records\",\"source\":\"r1\"}]");
    }

    /** What makes Connect's offsets REST API (GET, PATCH, DELETE) address the very bytes the task wrote. */
    @Test
    void canonicalFormSurvivesARoundTripThroughTheWorkersConverter() {
        Map<String, Object> partition = new HashMap<>();
        for (String key :
                List.of("api", "source", "job", "row_offset", "chunk_rows", "v", "webhook.task", "request.id")) {
            partition.put(key, key + "-value");
        }
        String written = OffsetsTopicBytes.key("c", SourceMaps.canonical(partition));
        JsonConverter converter = OffsetsTopicBytes.converter(true);
        Object readBack = converter
                .toConnectData("c", written.getBytes(StandardCharsets.UTF_8))
                .value();
        assertThat(new String(converter.fromConnectData("c", null, readBack), StandardCharsets.UTF_8))
                .isEqualTo(written);
    }

    @Test
    void exactOrderSerializesInTheGivenOrderAndIsNotEqualToThePlainMap() {
        Map<String, String> reversed = SourceMaps.exactOrder("api", "records", "source", "r1");
        assertThat(OffsetsTopicBytes.key("c", reversed)).isEqualTo("[\"c\",{\"api\":\"records\",\"source\":\"r1\"}]");
        Map<String, String> plain = SourceMaps.canonical(Map.of("api", "records", "source", "r1"));
        assertThat(reversed.hashCode()).isNotEqualTo(plain.hashCode());
        assertThat(reversed).isNotEqualTo(SourceMaps.exactOrder("source", "r1", "api", "records"));
        assertThat(reversed).isEqualTo(SourceMaps.exactOrder("api", "records", "source", "r1"));
        // The worker collects a transaction's offsets in a HashMap: both forms must stay two entries (two keys
        // written).
        Map<Map<String, ?>, Object> collected = new HashMap<>();
        collected.put(reversed, "tombstone");
        collected.put(plain, "checkpoint");
        assertThat(collected).hasSize(2);
    }
}
