package io.cxone.kafka.sink.elasticsearch;

import co.elastic.clients.transport.ElasticsearchTransport;
import io.cxone.kafka.sink.elasticsearch.client.ElasticsearchClients;
import io.cxone.kafka.sink.elasticsearch.ilm.IlmPolicy;
import java.io.IOException;
import org.elasticsearch.client.RestClient;
import org.slf4j.LoggerFactory;

/**
 * What a task opens against Elasticsearch in {@code start()} and closes in {@code stop()}: the index preparation and
 * the transport bulk requests go through. Unit tests give the task fakes of both instead.
 */
public interface ElasticsearchConnection extends AutoCloseable {

    IndexTargets indices();

    ElasticsearchTransport bulkTransport();

    @Override
    void close();

    /** Connects with the configured URLs, credentials and TLS; fails on refused credentials or certificates. */
    static ElasticsearchConnection open(ElasticsearchSinkConfig config, String connectorName) {
        RestClient rest = ElasticsearchClients.restClient(config);
        try {
            ElasticsearchClients.checkAccess(rest, config, connectorName);
            IndexSetup indices =
                    new IndexSetup(rest, config, config.ilmPolicyFile().map(IlmPolicy::fromFile), connectorName);
            ElasticsearchTransport transport = ElasticsearchClients.client(rest)._transport();
            return new ElasticsearchConnection() {
                @Override
                public IndexTargets indices() {
                    return indices;
                }

                @Override
                public ElasticsearchTransport bulkTransport() {
                    return transport;
                }

                @Override
                public void close() {
                    closeQuietly(rest);
                }
            };
        } catch (RuntimeException e) {
            closeQuietly(rest);
            throw e;
        }
    }

    private static void closeQuietly(RestClient rest) {
        try {
            rest.close();
        } catch (IOException e) {
            LoggerFactory.getLogger(ElasticsearchConnection.class)
                    .debug("closing the Elasticsearch client: {}", e.toString());
        }
    }
}
