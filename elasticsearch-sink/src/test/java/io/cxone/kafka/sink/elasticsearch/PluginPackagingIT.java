package io.cxone.kafka.sink.elasticsearch;

import com.fasterxml.jackson.databind.JsonNode;
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
    void zipHoldsTheSameFolderUnderNameAndVersion() {
        assertThat(ConnectPluginFolder.zipEntries(Path.of("target/cxone-elasticsearch-sink-" + VERSION + ".zip")))
                .containsExactlyInAnyOrderElementsOf(plugin.fileNames().stream().map(n -> "cxone-elasticsearch-sink-" + VERSION + "/" + n).toList());
    }

    @Test
    void manifestNamesThePluginItsBuildVersionAndComponentTypes() {
        JsonNode manifest = plugin.manifest();
        assertThat(manifest.path("name").asText()).isEqualTo("cxone-elasticsearch-sink");
        assertThat(manifest.path("version").asText()).isEqualTo(VERSION);
        assertThat(manifest.path("component_types")).extracting(JsonNode::asText).containsExactly("sink");
        assertThat(manifest.path("license")).extracting(l -> l.path("name").asText()).containsExactly("Apache License 2.0");
        assertThat(plugin.fileNames()).contains(manifest.path("documentation_url").asText());
    }

    @Test
    void docHoldsTheLicenseAndANoticeNamingEveryBundledThirdPartyJar() {
        assertThat(plugin.doc("LICENSE")).contains("Apache License", "Version 2.0");
        assertThat(plugin.jarsNamedInNotice()).containsExactlyInAnyOrderElementsOf(plugin.jarNames().stream()
                .filter(n -> !n.endsWith("-" + VERSION + ".jar")).toList());
    }

    @Test
    void reportsTheBuildVersion() {
        assertThat(VERSION).isNotBlank();
        assertThat(new ElasticsearchSinkConnector().version()).isEqualTo(VERSION);
    }
}
