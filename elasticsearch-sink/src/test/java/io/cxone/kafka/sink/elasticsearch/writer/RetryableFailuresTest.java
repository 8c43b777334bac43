package io.cxone.kafka.sink.elasticsearch.writer;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.ErrorResponse;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import org.junit.jupiter.api.Test;

class RetryableFailuresTest {

    @Test
    void transientFailuresAreRetryableClientErrorsAreNot() {
        assertThat(RetryableFailures.retryable(new ConnectException("Connection refused")))
                .isTrue();
        assertThat(RetryableFailures.retryable(new RuntimeException(new SocketTimeoutException("Read timed out"))))
                .isTrue();
        assertThat(RetryableFailures.retryable(es(429))).isTrue();
        assertThat(RetryableFailures.retryable(es(503))).isTrue();
        assertThat(RetryableFailures.retryable(es(401))).isFalse();
        assertThat(RetryableFailures.retryable(es(403))).isFalse();
        assertThat(RetryableFailures.retryableStatus(429)).isTrue();
        assertThat(RetryableFailures.retryableStatus(502)).isTrue();
        assertThat(RetryableFailures.retryableStatus(400)).isFalse();
    }

    @Test
    void theHttpStatusIsFoundAmongTheCausesOrReportedAbsent() {
        assertThat(RetryableFailures.httpStatus(new RuntimeException("bulk failed", es(401))))
                .isEqualTo(401);
        assertThat(RetryableFailures.httpStatus(es(403))).isEqualTo(403);
        assertThat(RetryableFailures.httpStatus(new ConnectException("Connection refused")))
                .isEqualTo(-1);
        assertThat(RetryableFailures.httpStatus(new RuntimeException(new SocketTimeoutException("Read timed out"))))
                .isEqualTo(-1);
    }

    private static ElasticsearchException es(int status) {
        return new ElasticsearchException("bulk", ErrorResponse.of(e -> e.status(status)
                .error(c -> c.type(status == 429 ? "es_rejected_execution_exception" : "security_exception")
                        .reason("x"))));
    }
}
