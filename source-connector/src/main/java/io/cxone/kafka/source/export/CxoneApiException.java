package io.cxone.kafka.source.export;

import org.apache.kafka.connect.errors.ConnectException;

/** A CXone call that failed for good: a non-retryable status, or retries used up. Carries the HTTP status (0 if none). */
public class CxoneApiException extends ConnectException {
    private final int status;

    public CxoneApiException(int status, String message) {
        super(message);
        this.status = status;
    }

    public CxoneApiException(int status, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
