package io.cxone.kafka.sink.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class IndexNamesTest {

    private static final long NOV_2026 = 1_795_000_000_000L; // 2026-11-18T11:06:40Z

    @Test
    void topicIsTheIndexByDefaultLowerCasedAndSanitized() {
        IndexNames names = IndexNames.of("{topic}", Map.of());

        assertThat(names.index("cxone.export.records", NOV_2026)).isEqualTo("cxone.export.records");
        assertThat(names.index("_CXone Events#1", NOV_2026)).isEqualTo("cxone_events_1");
        assertThat(names.templatePattern("cxone.export.records")).isEqualTo("cxone.export.records");
        assertThat(names.timeBased()).isFalse();
    }

    @Test
    void topicIndexMapRenamesTopics() {
        IndexNames names = IndexNames.of("{topic}", Map.of("cxone.webhook.events", "cxone-webhook"));

        assertThat(names.index("cxone.webhook.events", NOV_2026)).isEqualTo("cxone-webhook");
        assertThat(names.index("other", NOV_2026)).isEqualTo("other");
    }

    @Test
    void timeBasedPatternUsesTheRecordTimestampInUtc() {
        IndexNames names = IndexNames.of("cxone-events-{yyyy.MM}", Map.of());

        assertThat(names.timeBased()).isTrue();
        assertThat(names.index("any", NOV_2026)).isEqualTo("cxone-events-2026.11");
        assertThat(names.index("any", 0L)).isEqualTo("cxone-events-1970.01");
        assertThat(names.templatePattern("any")).isEqualTo("cxone-events-*");

        IndexNames daily = IndexNames.of("{topic}-{yyyy.MM.dd}", Map.of("cxone.webhook.events", "webhook"));
        assertThat(daily.index("cxone.webhook.events", NOV_2026)).isEqualTo("webhook-2026.11.18");
        assertThat(daily.templatePattern("cxone.webhook.events")).isEqualTo("webhook-*");
    }

    @Test
    void invalidPatternsAreRejected() {
        assertThatThrownBy(() -> IndexNames.of("Events-{topic}", Map.of())).hasMessageContaining("lower case");
        assertThatThrownBy(() -> IndexNames.of("{nope-x}", Map.of())).hasMessageContaining("date pattern");
        assertThatThrownBy(() -> IndexNames.of("a{b", Map.of())).hasMessageContaining("braces");
        assertThatThrownBy(() -> IndexNames.of(" ", Map.of())).hasMessageContaining("empty");
    }
}
