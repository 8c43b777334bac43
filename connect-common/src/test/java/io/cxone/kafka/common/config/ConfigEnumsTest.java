package io.cxone.kafka.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class ConfigEnumsTest {

    enum Flavour {
        RECORDS,
        DATA_EXTRACTION
    }

    enum Mapping implements ConfigEnums.Named {
        SCALED_FLOAT;

        @Override
        public String configName() {
            return "scaled_float";
        }
    }

    enum IdType implements ConfigEnums.Named {
        CONTENT_ID("contentId");

        private final String configName;

        IdType(String configName) {
            this.configName = configName;
        }

        @Override
        public String configName() {
            return configName;
        }
    }

    @Test
    void writesLowerCaseWithDashesUnlessTheEnumNamesItself() {
        assertThat(ConfigEnums.configNames(Flavour.class)).containsExactly("records", "data-extraction");
        assertThat(ConfigEnums.configNames(Mapping.class)).containsExactly("scaled_float");
    }

    @Test
    void readsAnyCaseWithDashesOrUnderscores() {
        assertThat(ConfigEnums.parse(Flavour.class, "cxone.api", " Data-Extraction "))
                .isEqualTo(Flavour.DATA_EXTRACTION);
        assertThat(ConfigEnums.parse(Flavour.class, "cxone.api", "data_extraction"))
                .isEqualTo(Flavour.DATA_EXTRACTION);
        assertThat(ConfigEnums.parse(Mapping.class, "m", "scaled-float")).isEqualTo(Mapping.SCALED_FLOAT);
    }

    @Test
    void readsTheNameANamedEnumGivesInAnyCase() {
        assertThat(ConfigEnums.parse(IdType.class, "id.type", "contentId")).isEqualTo(IdType.CONTENT_ID);
        assertThat(ConfigEnums.parse(IdType.class, "id.type", " CONTENTID ")).isEqualTo(IdType.CONTENT_ID);
        assertThatThrownBy(() -> ConfigEnums.parse(IdType.class, "id.type", "globalId"))
                .hasMessageContaining("[contentId]");
    }

    @Test
    void refusesOtherValuesListingTheChoices() {
        assertThatThrownBy(() -> ConfigEnums.validator(Flavour.class).ensureValid("cxone.api", "reporting"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("cxone.api")
                .hasMessageContaining("[records, data-extraction]");
        assertThatThrownBy(() -> ConfigEnums.parse(Flavour.class, "cxone.api", null))
                .isInstanceOf(ConfigException.class);
        assertThat(ConfigEnums.recommender(Flavour.class).validValues("cxone.api", java.util.Map.of()))
                .containsExactly("records", "data-extraction");
    }
}
