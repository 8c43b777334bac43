package io.cxone.kafka.bridge.sse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The event stream format of one event: fields in order, data split at every kind of line break. */
class SseTransportTest {

    private static String event(long retry, String id, String data) {
        return new String(SseTransport.event(retry, id, data.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    }

    @Test
    void retryThenIdThenOneDataLinePerLineThenABlankLine() {
        assertThat(event(3000, "AQID", "{\"a\":1}")).isEqualTo("retry: 3000\nid: AQID\ndata: {\"a\":1}\n\n");
        assertThat(event(-1, null, "{}")).isEqualTo("data: {}\n\n");
    }

    @Test
    void everyLineBreakStartsANewDataLineSoNoDataBecomesAField() {
        assertThat(event(-1, "x", "a\nid: forged\r\nb\rc\n"))
                .isEqualTo("id: x\ndata: a\ndata: id: forged\ndata: b\ndata: c\ndata: \n\n");
        assertThat(event(-1, null, "")).isEqualTo("data: \n\n");
    }
}
