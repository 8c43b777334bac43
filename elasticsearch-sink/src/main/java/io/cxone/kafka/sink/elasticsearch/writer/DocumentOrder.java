package io.cxone.kafka.sink.elasticsearch.writer;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Keeps the operations on one document in record order: at most one of them is in flight (sent, or waiting for a
 * retry) at a time, and the later ones wait here until it settles.
 *
 * <p>Without this, concurrent bulk requests ({@code max.in.flight.requests} &gt; 1) and retries after a 429 can
 * apply an older record of a key after a newer one: an upsert then merges stale fields over fresh ones, an index
 * leaves an old version, a delete removes a document that was re-created. Elasticsearch's external versioning only
 * covers index requests, and breaks when a key moves between partitions or a topic is replayed; ordering here covers
 * every write method and needs no version. Documents with distinct ids (the usual case) pass straight through.
 *
 * @param <T> what is queued per operation
 */
final class DocumentOrder<T> {

    /** Per busy document: the operations waiting behind the one in flight (empty when none wait). */
    private final Map<String, ArrayDeque<T>> busy = new HashMap<>();

    private int waiting;

    /** True when {@code operation} may be sent now; otherwise it is held until {@link #settled} releases it. */
    synchronized boolean admit(String document, T operation) {
        ArrayDeque<T> queue = busy.get(document);
        if (queue == null) {
            busy.put(document, new ArrayDeque<>(0));
            return true;
        }
        queue.add(operation);
        waiting++;
        return false;
    }

    /**
     * The operation in flight on {@code document} is settled (acknowledged or rejected for good): returns the next
     * one to send, which is then in flight, or null when the document is free again.
     */
    synchronized T settled(String document) {
        ArrayDeque<T> queue = busy.get(document);
        if (queue == null) {
            throw new IllegalStateException("no operation in flight on document " + document);
        }
        T next = queue.poll();
        if (next == null) {
            busy.remove(document);
        } else {
            waiting--;
        }
        return next;
    }

    /** Operations held behind an earlier one on the same document. */
    synchronized int waiting() {
        return waiting;
    }

    /** Documents with an operation in flight. */
    synchronized int busy() {
        return busy.size();
    }
}
