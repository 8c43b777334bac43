package io.cxone.kafka.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.connect.connector.Connector;
import org.apache.kafka.connect.sink.SinkConnector;
import org.apache.kafka.connect.source.SourceConnector;
import org.junit.jupiter.api.Test;

/**
 * What every Connect plugin module's built folder (target/plugin/cxone-&lt;module&gt;, the plugin.path entry) and zip
 * must hold: its connectors registered for service-loader discovery and found by a worker, the Avro converter, the
 * module's and connect-common's jars but none the worker already has, the same files in the zip, a Confluent Hub
 * manifest, LICENSE and a NOTICE naming every bundled jar, and the build version.
 * A plugin module's {@code PluginPackagingIT} extends this and adds its own checks.
 */
public abstract class PluginPackagingChecks {

    protected static final String VERSION = System.getProperty("project.version");

    private final String module;
    private final List<Class<? extends Connector>> connectors;
    private final ConnectPluginFolder plugin;

    /** {@code module}: the Maven module (artifactId) whose target/ holds the plugin; {@code connectors}: all it ships. */
    @SafeVarargs
    protected PluginPackagingChecks(String module, Class<? extends Connector>... connectors) {
        this.module = module;
        this.connectors = List.of(connectors);
        this.plugin = new ConnectPluginFolder(Path.of("target/plugin/cxone-" + module));
    }

    protected ConnectPluginFolder plugin() {
        return plugin;
    }

    protected List<String> connectorClassNames() {
        return connectors.stream().map(Class::getName).toList();
    }

    @Test
    public void registersItsConnectorsForServiceLoaderDiscovery() {
        for (Class<?> type : List.of(SourceConnector.class, SinkConnector.class)) {
            assertThat(plugin.serviceEntries(module + "-" + VERSION + ".jar", type.getName()))
                    .as(type.getSimpleName())
                    .containsExactlyInAnyOrderElementsOf(connectors.stream()
                            .filter(type::isAssignableFrom)
                            .map(Class::getName)
                            .toList());
        }
    }

    @Test
    public void workerWithServiceLoaderDiscoveryFindsTheConnectorsAndTheAvroConverter() {
        assertThat(plugin.discoveredByServiceLoader())
                .containsAll(connectorClassNames())
                .contains("io.apicurio.registry.utils.converter.AvroConverter");
    }

    @Test
    public void leavesOutWhatTheWorkerProvides() {
        assertThat(plugin.jarNames())
                .contains(module + "-" + VERSION + ".jar", "connect-common-" + VERSION + ".jar")
                .noneMatch(n -> n.startsWith("kafka-clients")
                        || n.matches("connect-(api|runtime|json|transforms|transforms-api)-.*")
                        || n.startsWith("slf4j")
                        || n.startsWith("log4j")
                        || n.startsWith("kafka_"));
    }

    @Test
    public void zipHoldsTheSameFolderUnderNameAndVersion() {
        assertThat(ConnectPluginFolder.zipEntries(Path.of("target/cxone-" + module + "-" + VERSION + ".zip")))
                .containsExactlyInAnyOrderElementsOf(plugin.fileNames().stream()
                        .map(n -> "cxone-" + module + "-" + VERSION + "/" + n)
                        .toList());
    }

    @Test
    public void manifestNamesThePluginItsBuildVersionAndComponentTypes() {
        JsonNode manifest = plugin.manifest();
        List<String> types = new ArrayList<>();
        if (connectors.stream().anyMatch(SourceConnector.class::isAssignableFrom)) {
            types.add("source");
        }
        if (connectors.stream().anyMatch(SinkConnector.class::isAssignableFrom)) {
            types.add("sink");
        }
        assertThat(manifest.path("name").asText()).isEqualTo("cxone-" + module);
        assertThat(manifest.path("version").asText()).isEqualTo(VERSION);
        assertThat(manifest.path("component_types"))
                .extracting(JsonNode::asText)
                .containsExactlyElementsOf(types);
        assertThat(manifest.path("license"))
                .extracting(l -> l.path("name").asText())
                .containsExactly("Apache License 2.0");
        assertThat(plugin.fileNames())
                .contains(manifest.path("documentation_url").asText());
    }

    @Test
    public void docHoldsTheLicenseAndANoticeNamingEveryBundledThirdPartyJar() {
        assertThat(plugin.doc("LICENSE")).contains("Apache License", "Version 2.0");
        assertThat(plugin.jarsNamedInNotice())
                .containsExactlyInAnyOrderElementsOf(plugin.jarNames().stream()
                        .filter(n -> !n.endsWith("-" + VERSION + ".jar"))
                        .toList());
    }

    @Test
    public void reportsTheBuildVersion() throws ReflectiveOperationException {
        assertThat(VERSION).isNotBlank();
        for (Class<? extends Connector> connector : connectors) {
            assertThat(connector.getDeclaredConstructor().newInstance().version())
                    .as(connector.getSimpleName())
                    .isEqualTo(VERSION);
        }
    }
}
