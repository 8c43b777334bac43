package io.cxone.kafka.source.export;

import io.cxone.kafka.source.PluginVersion;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;

import java.util.List;
import java.util.Map;

/** Task of {@link CxoneExportSourceConnector}; the connector creates none until its issue implements it. */
public class CxoneExportSourceTask extends SourceTask {

    @Override
    public void start(Map<String, String> props) {
    }

    @Override
    public List<SourceRecord> poll() {
        return null;
    }

    @Override
    public void stop() {
    }

    @Override
    public String version() {
        return PluginVersion.get();
    }
}
