package io.cxone.kafka.source.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResponseParserTest {

    private static final String OK =
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{\"ok\":true}";
    private static final String BUSY =
            "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\ncontent-length: 4\r\n\r\nbusy";

    private final ResponseParser parser = new ResponseParser();

    @Test
    void aResponseSplitAtAnyByteIsReadOnceComplete() {
        for (int cut = 1; cut < OK.length(); cut++) {
            ResponseParser fresh = new ResponseParser();
            assertThat(fresh.next(bytes(OK.substring(0, cut))))
                    .as("after %d bytes", cut)
                    .isEqualTo(-1);
            assertThat(fresh.next(bytes(OK.substring(cut))))
                    .as("cut at %d", cut)
                    .isEqualTo(200);
        }
    }

    @Test
    void severalResponsesInOneReadAreReadInOrder() {
        assertThat(statuses(OK + BUSY + OK)).containsExactly(200, 503, 200);
    }

    @Test
    void responsesOneByteAtATimeKeepTheirStatuses() {
        List<Integer> statuses = new ArrayList<>();
        for (byte b : (BUSY + OK + "HTTP/1.1 429 Too Many Requests\r\nContent-Length: 0\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII)) {
            int status = parser.next(ByteBuffer.wrap(new byte[] {b}));
            if (status >= 0) {
                statuses.add(status);
            }
        }
        assertThat(statuses).containsExactly(503, 200, 429);
    }

    @Test
    void aBodyThatLooksLikeAResponseIsSkippedByItsLength() {
        String nested = "HTTP/1.1 500 Server Error\r\nContent-Length: " + OK.length() + "\r\n\r\n" + OK;
        assertThat(statuses(nested + BUSY)).containsExactly(500, 503);
    }

    @Test
    void connectionCloseIsReportedWithTheResponseThatSaidIt() {
        ByteBuffer in = bytes("HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n" + OK);
        assertThat(parser.next(in)).isEqualTo(400);
        assertThat(parser.closed()).isTrue();
        assertThat(parser.next(in)).isEqualTo(200);
        assertThat(parser.closed()).isFalse();
    }

    @Test
    void whatItCannotCountFailsNamingIt() {
        assertThatThrownBy(
                        () -> new ResponseParser().next(bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")))
                .hasMessageContaining("Transfer-Encoding: chunked");
        assertThatThrownBy(
                        () -> new ResponseParser().next(bytes("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n")))
                .hasMessageContaining("200 without Content-Length");
        assertThatThrownBy(() -> new ResponseParser().next(bytes("HTTP/1.0 200 OK\r\n")))
                .hasMessageContaining("not an HTTP/1.1 status line: HTTP/1.0 200 OK");
    }

    private List<Integer> statuses(String text) {
        ByteBuffer in = bytes(text);
        List<Integer> out = new ArrayList<>();
        for (int status = parser.next(in); status >= 0; status = parser.next(in)) {
            out.add(status);
        }
        assertThat(in.hasRemaining()).isFalse();
        return out;
    }

    private static ByteBuffer bytes(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
    }
}
