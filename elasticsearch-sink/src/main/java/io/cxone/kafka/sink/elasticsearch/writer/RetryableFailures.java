package io.cxone.kafka.sink.elasticsearch.writer;

import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.transport.TransportException;
import java.io.IOException;
import org.elasticsearch.client.ResponseException;

/**
 * Which failures are worth retrying: 429, 408, 409, 5xx, timeouts, refused or reset connections; the delays between
 * attempts come from connect-common's full-jitter {@code Backoff}.
 */
public final class RetryableFailures {

    private RetryableFailures() {}

    /** Whether an item, or a whole bulk request, answered with this HTTP status should be sent again. */
    public static boolean retryableStatus(int status) {
        return status == 429 || status == 408 || status == 409 || status >= 500;
    }

    /** Whether a whole bulk request that failed with this error should be sent again. */
    public static boolean retryable(Throwable error) {
        int status = httpStatus(error);
        if (status > 0) {
            return retryableStatus(status);
        }
        if (status == 0) {
            return true; // a transport failure without an HTTP answer
        }
        // Refused, reset, timed out, closed: IOExceptions. Anything else unknown is retried too (max.retries bounds
        // it).
        return hasCause(error, IOException.class) || !(error instanceof Error);
    }

    /**
     * The HTTP status Elasticsearch answered with, found in the error or its causes; 0 for a transport failure
     * without an answer; -1 when the error says nothing about HTTP.
     */
    public static int httpStatus(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof ElasticsearchException es) {
                return es.status();
            }
            if (t instanceof TransportException te) {
                return Math.max(0, te.statusCode());
            }
            if (t instanceof ResponseException re) {
                return re.getResponse().getStatusLine().getStatusCode();
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return -1;
    }

    private static boolean hasCause(Throwable error, Class<?> type) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
