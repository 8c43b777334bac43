package io.cxone.kafka.sink.elasticsearch;

import io.cxone.kafka.testkit.ConfigReference;
import org.junit.jupiter.api.Test;

/** The committed docs/config reference of the sink connector matches its ConfigDef. */
class ConfigReferenceTest {

    @Test
    void committedReferenceMatchesTheConfigDef() throws Exception {
        ConfigReference.checkCommitted(ElasticsearchSinkConnector.class);
    }
}
