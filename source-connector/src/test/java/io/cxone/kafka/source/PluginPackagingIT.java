package io.cxone.kafka.source;

import io.cxone.kafka.source.avro.CachingSchemaResolver;
import io.cxone.kafka.source.export.CxoneExportSourceConnector;
import io.cxone.kafka.source.webhook.CxoneWebhookSourceConnector;
import com.fasterxml.jackson.databind.JsonNode;
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
    void theConvertersSchemaResolverOfTheShippedJsonsLoadsFromThePlugin() throws Exception {
        // the shipped JSONs name it as value.converter.apicurio.registry.schema-resolver; Apicurio loads it through the
        // context class loader, which the worker sets to the connector's plugin loader while configuring converters
        for (String connector : new String[]{CxoneExportSourceConnector.class.getName(), CxoneWebhookSourceConnector.class.getName()}) {
            ClassLoader loader = plugin.connectorLoader(connector);
            Class<?> resolver = Class.forName(CachingSchemaResolver.class.getName(), true, loader);
            assertThat(resolver.getClassLoader()).as("loaded from the plugin folder for " + connector).isSameAs(loader);
            assertThat(Class.forName("io.apicurio.registry.resolver.SchemaResolver", false, loader)).isAssignableFrom(resolver);
        }
    }

    @Test
    void leavesOutWhatTheWorkerProvides() {
        assertThat(plugin.jarNames()).contains("source-connector-" + VERSION + ".jar", "connect-common-" + VERSION + ".jar")
                .noneMatch(n -> n.startsWith("kafka-clients") || n.matches("connect-(api|runtime|json|transforms|transforms-api)-.*") || n.startsWith("slf4j")
                        || n.startsWith("log4j") || n.startsWith("kafka_"));
    }

    @Test
    void zipHoldsTheSameFolderUnderNameAndVersion() {
        assertThat(ConnectPluginFolder.zipEntries(Path.of("target/cxone-source-connector-" + VERSION + ".zip")))
                .containsExactlyInAnyOrderElementsOf(plugin.fileNames().stream().map(n -> "cxone-source-connector-" + VERSION + "/" + n).toList());
    }

    @Test
    void manifestNamesThePluginItsBuildVersionAndComponentTypes() {
        JsonNode manifest = plugin.manifest();
        assertThat(manifest.path("name").asText()).isEqualTo("cxone-source-connector");
        assertThat(manifest.path("version").asText()).isEqualTo(VERSION);
        assertThat(manifest.path("component_types")).extracting(JsonNode::asText).containsExactly("source");
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
        assertThat(new CxoneExportSourceConnector().version()).isEqualTo(VERSION);
        assertThat(new CxoneWebhookSourceConnector().version()).isEqualTo(VERSION);
    }
}
