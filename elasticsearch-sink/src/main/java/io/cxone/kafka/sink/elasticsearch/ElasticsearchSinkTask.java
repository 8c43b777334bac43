package io.cxone.kafka.sink.elasticsearch;

import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;

import java.util.Collection;
import java.util.Map;

/** Task of {@link ElasticsearchSinkConnector}; the connector creates none until its issue implements it. */
public class ElasticsearchSinkTask extends SinkTask {

    @Override
    public void start(Map<String, String> props) {
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        if (!records.isEmpty()) {
            throw new IllegalStateException("the Elasticsearch sink task is not implemented yet; refusing to drop records");
        }
    }

    @Override
    public void stop() {
    }

    @Override
    public String version() {
        return PluginVersion.get();
    }
}
