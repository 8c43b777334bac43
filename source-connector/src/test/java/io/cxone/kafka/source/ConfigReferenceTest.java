package io.cxone.kafka.source;

import io.cxone.kafka.source.export.CxoneExportSourceConnector;
import io.cxone.kafka.source.webhook.CxoneWebhookSourceConnector;
import io.cxone.kafka.testkit.ConfigReference;
import org.junit.jupiter.api.Test;

/** The committed docs/config reference of both source connectors matches their ConfigDefs. */
class ConfigReferenceTest {

    @Test
    void committedReferenceMatchesTheConfigDefs() throws Exception {
        ConfigReference.checkCommitted(CxoneExportSourceConnector.class, CxoneWebhookSourceConnector.class);
    }
}
