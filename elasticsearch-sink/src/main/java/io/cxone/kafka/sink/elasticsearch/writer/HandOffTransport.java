package io.cxone.kafka.sink.elasticsearch.writer;

import co.elastic.clients.json.JsonpMapper;
import co.elastic.clients.transport.ElasticsearchTransport;
import co.elastic.clients.transport.Endpoint;
import co.elastic.clients.transport.TransportOptions;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * A transport whose async responses complete on our own executor instead of the HTTP client's thread.
 *
 * <p>Why: when a connection is refused, Apache's NIO pool fails the request while holding its pool lock, and
 * BulkIngester's completion then takes the ingester lock; a thread adding to the ingester holds the ingester lock
 * while leasing a connection from the pool. That lock-order inversion deadlocked the task during an outage.
 * Handing completions to another thread breaks the cycle.
 */
final class HandOffTransport implements ElasticsearchTransport {

    private final ElasticsearchTransport delegate;
    private final Executor completions;

    HandOffTransport(ElasticsearchTransport delegate, Executor completions) {
        this.delegate = delegate;
        this.completions = completions;
    }

    @Override
    public <RequestT, ResponseT, ErrorT> ResponseT performRequest(
            RequestT request, Endpoint<RequestT, ResponseT, ErrorT> endpoint, TransportOptions options)
            throws IOException {
        return delegate.performRequest(request, endpoint, options);
    }

    @Override
    public <RequestT, ResponseT, ErrorT> CompletableFuture<ResponseT> performRequestAsync(
            RequestT request, Endpoint<RequestT, ResponseT, ErrorT> endpoint, TransportOptions options) {
        CompletableFuture<ResponseT> handedOff = new CompletableFuture<>();
        delegate.performRequestAsync(request, endpoint, options)
                .whenComplete((response, error) -> completions.execute(() -> {
                    if (error != null) {
                        handedOff.completeExceptionally(error);
                    } else {
                        handedOff.complete(response);
                    }
                }));
        return handedOff;
    }

    @Override
    public JsonpMapper jsonpMapper() {
        return delegate.jsonpMapper();
    }

    @Override
    public TransportOptions options() {
        return delegate.options();
    }

    @Override
    public void close() throws IOException {
        delegate.close();
    }
}
