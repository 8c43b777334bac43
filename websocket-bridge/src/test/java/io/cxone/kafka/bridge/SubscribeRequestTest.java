package io.cxone.kafka.bridge;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SubscribeRequestTest {

    @Test
    void queryWithStartOffsetsBatchAndGzip() {
        SubscribeRequest r = SubscribeRequest.fromQuery(Map.of(
                "topics", List.of("a,b"), "start", List.of("timestamp:1700000000000"),
                "offsets", List.of("a:0:42,b:3:7"), "batch", List.of("50"), "compression", List.of("gzip")), 500);
        assertThat(r.topics()).containsExactly("a", "b");
        assertThat(r.start().kind()).isEqualTo(SubscribeRequest.Start.Kind.TIMESTAMP);
        assertThat(r.start().timestamp()).isEqualTo(1700000000000L);
        assertThat(r.offsets()).isEqualTo(Map.of("a", Map.of(0, 42L), "b", Map.of(3, 7L)));
        assertThat(r.batch()).isEqualTo(50);
        assertThat(r.gzip()).isTrue();
    }

    @Test
    void queryWithoutTopicsMeansSubscribeLater() {
        assertThat(SubscribeRequest.fromQuery(Map.of(), 10)).isNull();
        assertThatThrownBy(() -> SubscribeRequest.fromQuery(Map.of("start", List.of("earliest")), 10))
                .hasMessageContaining("start given without topics");
    }

    @Test
    void jsonMessage() {
        SubscribeRequest r = SubscribeRequest.fromJson(
                "{\"type\":\"subscribe\",\"topics\":[\"cxone.events\"],\"start\":\"earliest\",\"offsets\":{\"cxone.events\":{\"1\":9}}}", 10);
        assertThat(r.start()).isEqualTo(SubscribeRequest.Start.EARLIEST);
        assertThat(r.offsets()).isEqualTo(Map.of("cxone.events", Map.of(1, 9L)));
        assertThat(r.batch()).isEqualTo(1);
        assertThat(r.gzip()).isFalse();
        assertThat(r.group()).isNull();
        assertThat(SubscribeRequest.fromJson("{\"type\":\"subscribe\",\"topics\":[\"a\"],\"group\":\"dash-1\"}", 10).group())
                .isEqualTo("dash-1");
    }

    @Test
    void badRequestsSayWhatIsWrong() {
        assertBad("nope", "not valid JSON");
        assertBad("[1]", "expected a JSON object");
        assertBad("{\"type\":\"subscribe\"}", "topics: expected a non-empty array");
        assertBad("{\"type\":\"sub\",\"topics\":[\"a\"]}", "type: expected \"subscribe\"");
        assertBad("{\"type\":\"subscribe\",\"topics\":[\"a b\"]}", "'a b' is not a valid topic name");
        assertBad("{\"type\":\"subscribe\",\"topics\":[\"a\",\"a\"]}", "listed twice");
        assertBad("{\"type\":\"subscribe\",\"topics\":[\"a\"],\"start\":\"yesterday\"}", "start: expected latest, earliest or timestamp");
        assertBad("{\"type\":\"subscribe\",\"topics\":[\"a\"],\"offsets\":{\"b\":{\"0\":1}}}", "topic 'b' is not in topics");
        assertBad("{\"type\":\"subscribe\",\"topics\":[\"a\"],\"offsets\":{\"a\":{\"0\":-1}}}", "must not be negative");
        assertBad("{\"type\":\"subscribe\",\"topics\":[\"a\"],\"batch\":1000}", "batch: expected an integer between 1 and 10");
        assertBad("{\"type\":\"subscribe\",\"topics\":[\"a\"],\"compression\":\"zstd\"}", "compression: expected none or gzip");
        assertBad("{\"type\":\"subscribe\",\"topics\":[\"a\"],\"groupId\":\"g\"}", "unknown field 'groupId'");
        assertBad("{\"type\":\"subscribe\",\"topics\":[\"a\"],\"group\":\"a b\"}", "group: expected 1-100 characters");
        assertBad("{\"type\":\"subscribe\",\"topics\":[\"a\"],\"group\":\"g\",\"offsets\":{\"a\":{\"0\":1}}}",
                "offsets cannot be combined with group");
        assertBad("{\"type\":\"subscribe\",\"topics\":[\"a\"],\"group\":\"g\",\"start\":\"timestamp:5\"}",
                "timestamp cannot be combined with group");
        assertThatThrownBy(() -> SubscribeRequest.fromQuery(Map.of("topics", List.of("a"), "offset", List.of("a:0:1")), 10))
                .hasMessageContaining("unknown query parameter 'offset'");
        assertThatThrownBy(() -> SubscribeRequest.fromQuery(Map.of("topics", List.of("a"), "offsets", List.of("a:0")), 10))
                .hasMessageContaining("offsets: expected topic:partition:offset, got 'a:0'");
    }

    private static void assertBad(String json, String message) {
        assertThatThrownBy(() -> SubscribeRequest.fromJson(json, 10))
                .isInstanceOf(SubscribeRequest.BadSubscribeException.class).hasMessageContaining(message);
    }
}
