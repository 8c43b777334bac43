package io.cxone.kafka.sink.elasticsearch.writer;

import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.ErrorResponse;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.net.SocketTimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

class RetryBackoffTest {

    @Test
    void delaysGrowExponentiallyWithJitterUpToTheCap() {
        RetryBackoff backoff = new RetryBackoff(100, 2000);
        for (int i = 0; i < 200; i++) {
            assertThat(backoff.delayMs(1)).isBetween(50L, 100L);
            assertThat(backoff.delayMs(3)).isBetween(50L, 400L);
            assertThat(backoff.delayMs(10)).isBetween(50L, 2000L);
            assertThat(backoff.delayMs(1000)).isBetween(50L, 2000L);
        }
        long max = 0;
        for (int i = 0; i < 200; i++) {
            max = Math.max(max, backoff.delayMs(10));
        }
        assertThat(max).as("jitter spreads over the range").isGreaterThan(1000L);
    }

    @Test
    void transientFailuresAreRetryableClientErrorsAreNot() {
        assertThat(RetryBackoff.retryable(new ConnectException("Connection refused"))).isTrue();
        assertThat(RetryBackoff.retryable(new RuntimeException(new SocketTimeoutException("Read timed out")))).isTrue();
        assertThat(RetryBackoff.retryable(es(429))).isTrue();
        assertThat(RetryBackoff.retryable(es(503))).isTrue();
        assertThat(RetryBackoff.retryable(es(401))).isFalse();
        assertThat(RetryBackoff.retryable(es(403))).isFalse();
        assertThat(RetryBackoff.retryableStatus(429)).isTrue();
        assertThat(RetryBackoff.retryableStatus(502)).isTrue();
        assertThat(RetryBackoff.retryableStatus(400)).isFalse();
    }

    @Test
    void theHttpStatusIsFoundAmongTheCausesOrReportedAbsent() {
        assertThat(RetryBackoff.httpStatus(new RuntimeException("bulk failed", es(401)))).isEqualTo(401);
        assertThat(RetryBackoff.httpStatus(es(403))).isEqualTo(403);
        assertThat(RetryBackoff.httpStatus(new ConnectException("Connection refused"))).isEqualTo(-1);
        assertThat(RetryBackoff.httpStatus(new RuntimeException(new SocketTimeoutException("Read timed out")))).isEqualTo(-1);
    }

    private static ElasticsearchException es(int status) {
        return new ElasticsearchException("bulk", ErrorResponse.of(e -> e.status(status)
                .error(c -> c.type(status == 429 ? "es_rejected_execution_exception" : "security_exception").reason("x"))));
    }
}
