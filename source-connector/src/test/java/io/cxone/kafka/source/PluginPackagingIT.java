package io.cxone.kafka.source;

import io.cxone.kafka.source.export.CxoneExportSourceConnector;
import io.cxone.kafka.source.webhook.CxoneWebhookSourceConnector;
import io.cxone.kafka.stack.ConnectPluginFolder;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The plugin folder that plugin.path points at: our jar, our connectors registered, no jars the worker already has. */
class PluginPackagingIT {

    private static final String VERSION = System.getProperty("project.version");
    private final ConnectPluginFolder plugin = new ConnectPluginFolder(Path.of("target/plugin/cxone-source-connector"));

    @Test
    void registersBothSourceConnectorsForServiceLoaderDiscovery() {
        assertThat(plugin.serviceEntries("source-connector-" + VERSION + ".jar", "org.apache.kafka.connect.source.SourceConnector"))
                .containsExactlyInAnyOrder(CxoneExportSourceConnector.class.getName(), CxoneWebhookSourceConnector.class.getName());
    }

    @Test
    void workerWithServiceLoaderDiscoveryFindsConnectorsAndTheAvroConverter() {
        assertThat(plugin.discoveredByServiceLoader()).contains(CxoneExportSourceConnector.class.getName(),
                CxoneWebhookSourceConnector.class.getName(), "io.apicurio.registry.utils.converter.AvroConverter");
    }

    @Test
    void leavesOutWhatTheWorkerProvides() {
        assertThat(plugin.jarNames()).contains("source-connector-" + VERSION + ".jar")
                .noneMatch(n -> n.startsWith("kafka-clients") || n.startsWith("connect-") || n.startsWith("slf4j")
                        || n.startsWith("log4j") || n.startsWith("kafka_"));
    }

    @Test
    void zipHoldsTheSameFolder() {
        assertThat(ConnectPluginFolder.zipEntries(Path.of("target/cxone-source-connector-" + VERSION + ".zip")))
                .containsExactlyInAnyOrderElementsOf(plugin.jarNames().stream().map(n -> "cxone-source-connector/" + n).toList());
    }

    @Test
    void reportsTheBuildVersion() {
        assertThat(VERSION).isNotBlank();
        assertThat(new CxoneExportSourceConnector().version()).isEqualTo(VERSION);
        assertThat(new CxoneWebhookSourceConnector().version()).isEqualTo(VERSION);
    }
}
