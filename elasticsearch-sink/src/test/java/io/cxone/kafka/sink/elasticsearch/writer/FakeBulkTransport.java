package io.cxone.kafka.sink.elasticsearch.writer;

import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.ErrorResponse;
import co.elastic.clients.elasticsearch.core.BulkRequest;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem;
import co.elastic.clients.elasticsearch.core.bulk.OperationType;
import co.elastic.clients.json.JsonpMapper;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.DefaultTransportOptions;
import co.elastic.clients.transport.ElasticsearchTransport;
import co.elastic.clients.transport.Endpoint;
import co.elastic.clients.transport.TransportOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The sending side of a {@link BulkWriter} without Elasticsearch: each bulk request waits in {@link #next()} until the
 * test answers it (all accepted, per-item statuses, or a whole-request failure).
 */
public final class FakeBulkTransport implements ElasticsearchTransport {

    /** A bulk request sent and not yet answered. */
    public record SentBulk(BulkRequest request, CompletableFuture<BulkResponse> answer) {

        public int size() {
            return request.operations().size();
        }

        /** Every item accepted. */
        public void accept() {
            int[] statuses = new int[size()];
            java.util.Arrays.fill(statuses, 201);
            answer(statuses);
        }

        /** One status per item, in order: 2xx accepted, anything else an item error. */
        public void answer(int... statuses) {
            List<BulkResponseItem> items = new ArrayList<>();
            boolean errors = false;
            for (int status : statuses) {
                errors |= status >= 300;
                items.add(BulkResponseItem.of(i -> {
                    i.operationType(OperationType.Index).index("idx").status(status);
                    if (status >= 300) {
                        i.error(e -> e.type(
                                        status == 429 ? "es_rejected_execution_exception" : "mapper_parsing_exception")
                                .reason("item refused with " + status));
                    }
                    return i;
                }));
            }
            boolean anyError = errors;
            answer.complete(BulkResponse.of(r -> r.took(1).errors(anyError).items(items)));
        }

        /** The whole request fails with this HTTP status. */
        public void fail(int status) {
            answer.completeExceptionally(error(status));
        }
    }

    private final BlockingQueue<SentBulk> sent = new LinkedBlockingQueue<>();
    private final JsonpMapper mapper = new JacksonJsonpMapper();

    /**
     * The next bulk request sent; fails the test when none comes within 30 s, half the linger.ms of the tests, so a
     * batch the linger sent never passes for one sent by a flush or by a full batch.
     */
    public SentBulk next() throws InterruptedException {
        SentBulk bulk = sent.poll(30, TimeUnit.SECONDS);
        if (bulk == null) {
            throw new AssertionError("no bulk request was sent");
        }
        return bulk;
    }

    /** The next bulk request sent, or null when none waits. */
    public SentBulk poll() {
        return sent.poll();
    }

    private static ElasticsearchException error(int status) {
        return new ElasticsearchException("bulk", ErrorResponse.of(e -> e.status(status)
                .error(c -> c.type(status == 429 ? "es_rejected_execution_exception" : "security_exception")
                        .reason("x"))));
    }

    @Override
    public <RequestT, ResponseT, ErrorT> ResponseT performRequest(
            RequestT request, Endpoint<RequestT, ResponseT, ErrorT> endpoint, TransportOptions options) {
        throw new UnsupportedOperationException("the writer sends bulk requests asynchronously");
    }

    @Override
    @SuppressWarnings("unchecked")
    public <RequestT, ResponseT, ErrorT> CompletableFuture<ResponseT> performRequestAsync(
            RequestT request, Endpoint<RequestT, ResponseT, ErrorT> endpoint, TransportOptions options) {
        CompletableFuture<BulkResponse> answer = new CompletableFuture<>();
        sent.add(new SentBulk((BulkRequest) request, answer));
        return (CompletableFuture<ResponseT>) answer;
    }

    @Override
    public JsonpMapper jsonpMapper() {
        return mapper;
    }

    @Override
    public TransportOptions options() {
        return new DefaultTransportOptions();
    }

    @Override
    public void close() {}
}
