package io.cxone.kafka.source.export;

import io.cxone.kafka.source.PluginVersion;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.source.SourceConnector;

import java.util.List;
import java.util.Map;

/**
 * CXone export source connector. Skeleton of the foundation issue: it starts and stops cleanly and
 * creates no tasks yet; its own issue gives it configuration, tasks and data.
 */
public class CxoneExportSourceConnector extends SourceConnector {

    private Map<String, String> props = Map.of();

    @Override
    public void start(Map<String, String> props) {
        this.props = Map.copyOf(props);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return CxoneExportSourceTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        return List.of();
    }

    @Override
    public void stop() {
        props = Map.of();
    }

    @Override
    public ConfigDef config() {
        return new ConfigDef();
    }

    @Override
    public String version() {
        return PluginVersion.get();
    }
}
