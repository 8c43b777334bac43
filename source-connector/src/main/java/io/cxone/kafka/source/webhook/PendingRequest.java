package io.cxone.kafka.source.webhook;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * The records of one accepted HTTP request, from the queue to Kafka's acknowledgement. It is handed to the worker
 * whole (never split across polls) or withdrawn whole, so a request is all-or-nothing.
 */
final class PendingRequest {

    enum State {
        QUEUED,
        POLLED,
        WITHDRAWN
    }

    /** Completes a request's future when it was withdrawn before Kafka saw it or the task stopped. */
    static final class NotPublished extends RuntimeException {
        NotPublished(String reason) {
            super(reason, null, false, false);
        }
    }

    private final String requestId;
    private final List<WebhookRecord> records;
    private final long acceptedNanos;
    private final RecordMetadata[] metadata;
    private final AtomicInteger unacked;
    private final AtomicReference<State> state = new AtomicReference<>(State.QUEUED);
    private volatile long polledNanos;
    private volatile long deadlineNanos;
    private volatile Runnable onOverdue; // null: no ack timeout armed
    private final AtomicBoolean overdue = new AtomicBoolean();
    private final CompletableFuture<RecordMetadata[]> acked = new CompletableFuture<>();

    /** A request of {@code size} records, added with {@link #add} before it is queued. */
    PendingRequest(String requestId, int size, long acceptedNanos) {
        this.requestId = requestId;
        this.records = new ArrayList<>(size);
        this.acceptedNanos = acceptedNanos;
        this.metadata = new RecordMetadata[size];
        this.unacked = new AtomicInteger(size);
    }

    void add(WebhookRecord record) {
        records.add(record);
    }

    String requestId() {
        return requestId;
    }

    List<WebhookRecord> records() {
        return records;
    }

    int size() {
        return records.size();
    }

    long acceptedNanos() {
        return acceptedNanos;
    }

    /** Completes with one metadata per record (null where a transform dropped the record). */
    CompletableFuture<RecordMetadata[]> acked() {
        return acked;
    }

    State state() {
        return state.get();
    }

    /** When poll() handed the request to the worker (0 if it never was). */
    long polledNanos() {
        return polledNanos;
    }

    /** True when the request may go to Kafka; false when it was withdrawn first. */
    boolean markPolled() {
        if (state.compareAndSet(State.QUEUED, State.POLLED)) {
            polledNanos = System.nanoTime();
            return true;
        }
        return false;
    }

    /** Withdraws a request Kafka has not seen yet; false when it was already handed to the worker. */
    boolean withdraw(String reason) {
        if (state.compareAndSet(State.QUEUED, State.WITHDRAWN)) {
            acked.completeExceptionally(new NotPublished(reason));
            return true;
        }
        return false;
    }

    /** Arms the ack timeout: {@code onOverdue} runs once if Kafka has not acknowledged by {@code deadlineNanos}. */
    void expireAt(long deadlineNanos, Runnable onOverdue) {
        this.deadlineNanos = deadlineNanos;
        this.onOverdue = onOverdue;
    }

    /** Runs the timeout action (once) when the deadline has passed and the request is not settled yet. */
    void expireIfOverdue(long nowNanos) {
        Runnable action = onOverdue;
        if (action != null && nowNanos - deadlineNanos >= 0 && !acked.isDone() && overdue.compareAndSet(false, true)) {
            action.run();
        }
    }

    void ack(int index, RecordMetadata recordMetadata) {
        metadata[index] = recordMetadata;
        if (unacked.decrementAndGet() == 0) {
            acked.complete(metadata);
        }
    }

    void fail(String reason) {
        acked.completeExceptionally(new NotPublished(reason));
    }
}
