package io.cxone.kafka.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxone.kafka.source.avro.CachingSchemaResolver;
import io.cxone.kafka.source.export.CxoneExportSourceConnector;
import io.cxone.kafka.source.webhook.CxoneWebhookSourceConnector;
import io.cxone.kafka.testkit.PluginPackagingChecks;
import org.junit.jupiter.api.Test;

/** The plugin folder that plugin.path points at (checks every plugin shares), and the converter class it adds. */
class PluginPackagingIT extends PluginPackagingChecks {

    PluginPackagingIT() {
        super("source-connector", CxoneExportSourceConnector.class, CxoneWebhookSourceConnector.class);
    }

    @Test
    void theConvertersSchemaResolverOfTheShippedJsonsLoadsFromThePlugin() throws Exception {
        // the shipped JSONs name it as value.converter.apicurio.registry.schema-resolver; Apicurio loads it through the
        // context class loader, which the worker sets to the connector's plugin loader while configuring converters
        for (String connector : connectorClassNames()) {
            ClassLoader loader = plugin().connectorLoader(connector);
            Class<?> resolver = Class.forName(CachingSchemaResolver.class.getName(), true, loader);
            assertThat(resolver.getClassLoader())
                    .as("loaded from the plugin folder for " + connector)
                    .isSameAs(loader);
            assertThat(Class.forName("io.apicurio.registry.resolver.SchemaResolver", false, loader))
                    .isAssignableFrom(resolver);
        }
    }
}
