package io.cxone.kafka.common;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PluginVersionTest {

    @Test
    void isTheBuildVersion() {
        assertThat(PluginVersion.get()).isNotBlank().doesNotContain("${").isNotEqualTo("unknown").matches("\\d+\\.\\d+\\.\\d+.*");
    }
}
