package io.cxone.kafka.source.export;

import io.cxone.kafka.common.PluginVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.source.ConnectorTransactionBoundaries;
import org.apache.kafka.connect.source.ExactlyOnceSupport;
import org.apache.kafka.connect.source.SourceConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CXone export source connector: exports CXone reports (records API) or Data Extraction entities into a
 * topic in chunks, one Kafka transaction per verified chunk, with checkpoints only in Kafka source offsets.
 * Reports / entities are spread over {@code tasks.max}.
 */
public class CxoneExportSourceConnector extends SourceConnector {

    private static final Logger log = LoggerFactory.getLogger(CxoneExportSourceConnector.class);

    private final ExportConfigValidator validator = new ExportConfigValidator();

    private Map<String, String> props;
    private ExportSourceConfig config;

    @Override
    public void start(Map<String, String> props) {
        this.config = ExportConfigValidator.parseForStart(props); // fail fast on a bad configuration
        this.props = Map.copyOf(props);
        log.info(
                "CXone export connector started: api {}, {} sources, topic {}",
                config.apiFlavour().configName(),
                config.sources().size(),
                config.topic());
        config.insecureHttpWarning()
                .ifPresent(warning -> log.warn("connector {}: insecure settings: {}", props.get("name"), warning));
    }

    @Override
    public Class<? extends Task> taskClass() {
        return CxoneExportSourceTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        List<String> sources = config.sources();
        int tasks = Math.min(maxTasks, sources.size());
        if (config.apiFlavour() == ApiFlavour.DATA_EXTRACTION
                && !config.extractionCallInterval().isZero()
                && tasks > 1) {
            // CXone limits Data Extraction calls per tenant: more tasks would only take turns at the same slots
            log.info(
                    "{} entities of one tenant run in one task (tasks.max={}): CXone accepts one Data Extraction call"
                            + " per {} s per tenant",
                    sources.size(),
                    maxTasks,
                    config.extractionCallInterval().toSeconds());
            tasks = 1;
        }
        List<List<String>> groups = new ArrayList<>();
        for (int i = 0; i < tasks; i++) {
            groups.add(new ArrayList<>());
        }
        for (int i = 0; i < sources.size(); i++) {
            groups.get(i % tasks).add(sources.get(i));
        }
        return groups.stream().map(group -> config.taskConfig(props, group)).toList();
    }

    @Override
    public void stop() {}

    @Override
    public ConfigDef config() {
        return ExportSourceConfig.CONFIG_DEF;
    }

    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        return validator.validate(connectorConfigs);
    }

    @Override
    public ExactlyOnceSupport exactlyOnceSupport(Map<String, String> connectorConfig) {
        return ExactlyOnceSupport.SUPPORTED;
    }

    @Override
    public ConnectorTransactionBoundaries canDefineTransactionBoundaries(Map<String, String> connectorConfig) {
        return ConnectorTransactionBoundaries.SUPPORTED;
    }

    /** Accepts only offsets this connector can resume from; refuses anything else with the key that is wrong. */
    @Override
    public boolean alterOffsets(Map<String, String> connectorConfig, Map<Map<String, ?>, Map<String, ?>> offsets) {
        offsets.forEach((partition, offset) -> {
            ExportOffset.validatePartition(partition, offset == null);
            if (offset != null) {
                ExportOffset.fromMap(offset);
            }
        });
        return true;
    }

    @Override
    public String version() {
        return PluginVersion.get();
    }
}
