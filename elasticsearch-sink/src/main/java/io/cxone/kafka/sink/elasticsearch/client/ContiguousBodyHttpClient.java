package io.cxone.kafka.sink.elasticsearch.client;

import co.elastic.clients.transport.TransportOptions;
import co.elastic.clients.transport.http.TransportHttpClient;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Sends each request body as one buffer. The client serializes a bulk request as two buffers per document (action
 * line, source), and the Apache async entity writes one buffer per output event, each as its own HTTP chunk: 4,000
 * events and chunks for a 2,000-document bulk, a large share of the sink's CPU (measured with JFR by SinkBenchmark).
 * One copy of the body into a single buffer costs far less.
 */
final class ContiguousBodyHttpClient implements TransportHttpClient {

    private final TransportHttpClient delegate;

    ContiguousBodyHttpClient(TransportHttpClient delegate) {
        this.delegate = delegate;
    }

    static Request contiguous(Request request) {
        Iterable<ByteBuffer> body = request.body();
        if (body == null) {
            return request;
        }
        int size = 0;
        int buffers = 0;
        for (ByteBuffer buffer : body) {
            size += buffer.remaining();
            buffers++;
        }
        if (buffers <= 1) {
            return request;
        }
        ByteBuffer joined = ByteBuffer.allocate(size);
        for (ByteBuffer buffer : body) {
            joined.put(buffer.duplicate());
        }
        joined.flip();
        return new Request(request.method(), request.path(), request.queryParams(), request.headers(), List.of(joined));
    }

    @Override
    public TransportOptions createOptions(TransportOptions options) {
        return delegate.createOptions(options);
    }

    @Override
    public Response performRequest(String endpointId, Node node, Request request, TransportOptions options)
            throws IOException {
        return delegate.performRequest(endpointId, node, contiguous(request), options);
    }

    @Override
    public CompletableFuture<Response> performRequestAsync(
            String endpointId, Node node, Request request, TransportOptions options) {
        return delegate.performRequestAsync(endpointId, node, contiguous(request), options);
    }

    @Override
    public void close() throws IOException {
        delegate.close();
    }
}
