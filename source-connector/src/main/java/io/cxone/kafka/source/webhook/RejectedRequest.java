package io.cxone.kafka.source.webhook;

/** A request answered with a 4xx/5xx before anything was queued; the reason is one line for the caller. */
final class RejectedRequest extends RuntimeException {
    private final int status;

    RejectedRequest(int status, String reason) {
        super(reason, null, false, false);
        this.status = status;
    }

    int status() {
        return status;
    }

    String reason() {
        return getMessage();
    }
}
