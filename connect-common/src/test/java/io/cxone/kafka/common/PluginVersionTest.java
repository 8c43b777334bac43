package io.cxone.kafka.common;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PluginVersionTest {

    @Test
    void isTheBuildVersion() {
        assertThat(PluginVersion.get())
                .isNotBlank()
                .doesNotContain("${")
                .isNotEqualTo("unknown")
                .matches("\\d+\\.\\d+\\.\\d+.*");
    }
}
