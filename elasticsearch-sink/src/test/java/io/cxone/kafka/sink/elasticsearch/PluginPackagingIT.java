package io.cxone.kafka.sink.elasticsearch;

import io.cxone.kafka.stack.ConnectPluginFolder;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The plugin folder that plugin.path points at: our jar, our connector registered, no jars the worker already has. */
class PluginPackagingIT {

    private static final String VERSION = System.getProperty("project.version");
    private final ConnectPluginFolder plugin = new ConnectPluginFolder(Path.of("target/plugin/cxone-elasticsearch-sink"));

    @Test
    void registersTheSinkConnectorForServiceLoaderDiscovery() {
        assertThat(plugin.serviceEntries("elasticsearch-sink-" + VERSION + ".jar", "org.apache.kafka.connect.sink.SinkConnector"))
                .containsExactly(ElasticsearchSinkConnector.class.getName());
    }

    @Test
    void workerWithServiceLoaderDiscoveryFindsTheConnectorAndTheAvroConverter() {
        assertThat(plugin.discoveredByServiceLoader()).contains(ElasticsearchSinkConnector.class.getName(),
                "io.apicurio.registry.utils.converter.AvroConverter");
    }

    @Test
    void leavesOutWhatTheWorkerProvides() {
        assertThat(plugin.jarNames()).contains("elasticsearch-sink-" + VERSION + ".jar", "connect-common-" + VERSION + ".jar")
                .noneMatch(n -> n.startsWith("kafka-clients") || n.matches("connect-(api|runtime|json|transforms|transforms-api)-.*") || n.startsWith("slf4j")
                        || n.startsWith("log4j") || n.startsWith("kafka_"));
    }

    @Test
    void zipHoldsTheSameFolder() {
        assertThat(ConnectPluginFolder.zipEntries(Path.of("target/cxone-elasticsearch-sink-" + VERSION + ".zip")))
                .containsExactlyInAnyOrderElementsOf(plugin.jarNames().stream().map(n -> "cxone-elasticsearch-sink/" + n).toList());
    }

    @Test
    void reportsTheBuildVersion() {
        assertThat(VERSION).isNotBlank();
        assertThat(new ElasticsearchSinkConnector().version()).isEqualTo(VERSION);
    }
}
