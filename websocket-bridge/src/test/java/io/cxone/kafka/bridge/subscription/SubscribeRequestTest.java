package io.cxone.kafka.bridge.subscription;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SubscribeRequestTest {

    private static final SubscribeRequest.Limits LIMITS = new SubscribeRequest.Limits(10, 3, 4);

    @Test
    void queryWithStartOffsetsBatchAndGzip() {
        SubscribeRequest r = SubscribeRequest.fromQuery(
                Map.of(
                        "topics",
                        List.of("a,b"),
                        "start",
                        List.of("timestamp:1700000000000"),
                        "offsets",
                        List.of("a:0:42,b:3:7"),
                        "batch",
                        List.of("50"),
                        "compression",
                        List.of("gzip")),
                new SubscribeRequest.Limits(500, 20, 100));
        assertThat(r.topics()).containsExactly("a", "b");
        assertThat(r.start().kind()).isEqualTo(SubscribeRequest.Start.Kind.TIMESTAMP);
        assertThat(r.start().timestamp()).isEqualTo(1700000000000L);
        assertThat(r.offsets()).isEqualTo(Map.of("a", Map.of(0, 42L), "b", Map.of(3, 7L)));
        assertThat(r.batch()).isEqualTo(50);
        assertThat(r.gzip()).isTrue();
    }

    @Test
    void queryWithoutTopicsMeansSubscribeLater() {
        assertThat(SubscribeRequest.fromQuery(Map.of(), LIMITS)).isNull();
        assertThatThrownBy(() -> SubscribeRequest.fromQuery(Map.of("start", List.of("earliest")), LIMITS))
                .hasMessageContaining("start given without topics");
    }

    @Test
    void jsonMessage() {
        SubscribeRequest r = SubscribeRequest.fromJson(
                "{\"type\":\"subscribe\",\"topics\":[\"cxone.events\"],\"start\":\"earliest\",\"offsets\":{\"cxone.events\":{\"1\":9}}}",
                LIMITS);
        assertThat(r.start()).isEqualTo(SubscribeRequest.Start.EARLIEST);
        assertThat(r.offsets()).isEqualTo(Map.of("cxone.events", Map.of(1, 9L)));
        assertThat(r.batch()).isEqualTo(1);
        assertThat(r.gzip()).isFalse();
        assertThat(r.group()).isNull();
        assertThat(SubscribeRequest.fromJson("{\"type\":\"subscribe\",\"topics\":[\"a\"],\"group\":\"dash-1\"}", LIMITS)
                        .group())
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
        assertBad(
                "{\"type\":\"subscribe\",\"topics\":[\"a\"],\"start\":\"yesterday\"}",
                "start: expected latest, earliest or timestamp");
        assertBad(
                "{\"type\":\"subscribe\",\"topics\":[\"a\"],\"offsets\":{\"b\":{\"0\":1}}}",
                "topic 'b' is not in topics");
        assertBad("{\"type\":\"subscribe\",\"topics\":[\"a\"],\"offsets\":{\"a\":{\"0\":-1}}}", "must not be negative");
        assertBad(
                "{\"type\":\"subscribe\",\"topics\":[\"a\"],\"batch\":1000}",
                "batch: expected an integer between 1 and 10");
        assertBad(
                "{\"type\":\"subscribe\",\"topics\":[\"a\"],\"compression\":\"zstd\"}",
                "compression: expected none or gzip");
        assertBad("{\"type\":\"subscribe\",\"topics\":[\"a\"],\"groupId\":\"g\"}", "unknown field 'groupId'");
        assertBad("{\"type\":\"subscribe\",\"topics\":[\"a\"],\"group\":\"a b\"}", "group: expected 1-100 characters");
        assertBad(
                "{\"type\":\"subscribe\",\"topics\":[\"a\"],\"group\":\"g\",\"offsets\":{\"a\":{\"0\":1}}}",
                "offsets cannot be combined with group");
        assertBad(
                "{\"type\":\"subscribe\",\"topics\":[\"a\"],\"group\":\"g\",\"start\":\"timestamp:5\"}",
                "timestamp cannot be combined with group");
        assertThatThrownBy(() ->
                        SubscribeRequest.fromQuery(Map.of("topics", List.of("a"), "offset", List.of("a:0:1")), LIMITS))
                .hasMessageContaining("unknown query parameter 'offset'");
        assertThatThrownBy(() ->
                        SubscribeRequest.fromQuery(Map.of("topics", List.of("a"), "offsets", List.of("a:0")), LIMITS))
                .hasMessageContaining("offsets: expected topic:partition:offset, got 'a:0'");
    }

    @Test
    void countsAndNestingAreBoundedNamingTheSetting() {
        assertBad(
                "{\"type\":\"subscribe\",\"topics\":[\"a\",\"b\",\"c\",\"d\"]}",
                "topics: 4 topics, at most 3 per connection (limits.subscriptions.per.client)");
        assertThatThrownBy(() -> SubscribeRequest.fromQuery(Map.of("topics", List.of("a,b,c,d")), LIMITS))
                .hasMessageContaining("at most 3 per connection (limits.subscriptions.per.client)");
        assertBad(
                "{\"type\":\"subscribe\",\"topics\":[\"a\"],\"offsets\":{\"a\":{\"0\":1,\"1\":1,\"2\":1,\"3\":1,\"4\":1}}}",
                "offsets: 5 partitions, at most 4 per connection (limits.partitions.per.client)");
        assertThatThrownBy(() -> SubscribeRequest.fromQuery(
                        Map.of("topics", List.of("a"), "offsets", List.of("a:0:1,a:1:1,a:2:1,a:3:1,a:4:1")), LIMITS))
                .hasMessageContaining("at most 4 per connection (limits.partitions.per.client)");
        String deep = "{\"type\":\"subscribe\",\"topics\":[\"a\"],\"start\":" + "[".repeat(500) + "]".repeat(500) + "}";
        assertBad(deep, "not valid JSON").hasMessageContaining("Document nesting depth");
    }

    private static org.assertj.core.api.AbstractThrowableAssert<?, ? extends Throwable> assertBad(
            String json, String message) {
        return assertThatThrownBy(() -> SubscribeRequest.fromJson(json, LIMITS))
                .isInstanceOf(SubscribeRequest.BadSubscribeException.class)
                .hasMessageContaining(message);
    }
}
