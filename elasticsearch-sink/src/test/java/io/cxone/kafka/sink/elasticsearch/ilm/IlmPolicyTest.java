package io.cxone.kafka.sink.elasticsearch.ilm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class IlmPolicyTest {

    @Test
    void projectPolicyFileGivesThisExactJson() {
        IlmPolicy policy = IlmPolicy.fromFile(Path.of("../config/ilm-policy.yaml"));

        assertThat(policy.toJson())
                .isEqualTo("{\"policy\":{\"phases\":{"
                        + "\"hot\":{\"min_age\":\"0ms\",\"actions\":{\"rollover\":{\"max_age\":\"7d\",\"max_primary_shard_size\":\"25gb\"}}},"
                        + "\"warm\":{\"min_age\":\"7d\",\"actions\":{\"forcemerge\":{\"max_num_segments\":1},\"set_priority\":{\"priority\":50}}},"
                        + "\"delete\":{\"min_age\":\"30d\",\"actions\":{\"delete\":{}}}}}}");
        assertThat(policy.hasRollover()).isTrue();
    }

    @Test
    void hotAndDeleteOnlyWithoutWarm() {
        IlmPolicy policy = IlmPolicy.fromYaml("""
                hot:
                  rollover:
                    max_age: 1d
                    max_size: 50gb
                    max_docs: 1000000
                delete:
                  min_age: 90d
                """);

        assertThat(policy.toJson())
                .isEqualTo("{\"policy\":{\"phases\":{"
                        + "\"hot\":{\"min_age\":\"0ms\",\"actions\":{\"rollover\":{\"max_age\":\"1d\",\"max_size\":\"50gb\",\"max_docs\":1000000}}},"
                        + "\"delete\":{\"min_age\":\"90d\",\"actions\":{\"delete\":{}}}}}}");
    }

    @Test
    void warmWithShrink() {
        IlmPolicy policy = IlmPolicy.fromYaml("""
                hot: {rollover: {max_size: 10gb}, priority: 100}
                warm: {min_age: 2d, shrink_number_of_shards: 1}
                """);

        assertThat(policy.toJson())
                .isEqualTo("{\"policy\":{\"phases\":{"
                        + "\"hot\":{\"min_age\":\"0ms\",\"actions\":{\"rollover\":{\"max_size\":\"10gb\"},\"set_priority\":{\"priority\":100}}},"
                        + "\"warm\":{\"min_age\":\"2d\",\"actions\":{\"shrink\":{\"number_of_shards\":1}}}}}}");
    }

    @Test
    void mistakesNameTheirKey() {
        assertThatThrownBy(() -> IlmPolicy.fromYaml("hot: {rollover: {max_age: 7 days}}"))
                .hasMessageContaining("hot.rollover.max_age")
                .hasMessageContaining("duration");
        assertThatThrownBy(() -> IlmPolicy.fromYaml("hot: {rollover: {max_size: 50GB}}"))
                .hasMessageContaining("hot.rollover.max_size");
        assertThatThrownBy(() -> IlmPolicy.fromYaml("hot: {rollover: {}}")).hasMessageContaining("at least one");
        assertThatThrownBy(() -> IlmPolicy.fromYaml("hot: {rollover: {max_age: 1d}}\ncold: {min_age: 1d}"))
                .hasMessageContaining("cold: unknown key");
        assertThatThrownBy(() -> IlmPolicy.fromYaml("hot: {rollover: {max_age: 1d}}\ndelete: {}"))
                .hasMessageContaining("delete.min_age: required");
        assertThatThrownBy(() -> IlmPolicy.fromYaml("delete: {min_age: 1d}")).hasMessageContaining("hot: required");
        assertThatThrownBy(() -> IlmPolicy.fromYaml("hot: [1, 2")).hasMessageContaining("not valid YAML");
    }
}
