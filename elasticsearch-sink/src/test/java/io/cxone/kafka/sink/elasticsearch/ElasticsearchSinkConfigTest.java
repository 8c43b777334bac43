package io.cxone.kafka.sink.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ElasticsearchSinkConfigTest {

    private static Map<String, String> base() {
        Map<String, String> props = new HashMap<>();
        props.put("name", "es");
        props.put("topics", "t");
        props.put("connection.url", "http://127.0.0.1:9200");
        return props;
    }

    private static Map<String, List<String>> errors(Map<String, String> props) {
        return new ElasticsearchSinkConnector()
                .validate(props).configValues().stream()
                        .filter(v -> !v.errorMessages().isEmpty())
                        .collect(Collectors.toMap(ConfigValue::name, ConfigValue::errorMessages));
    }

    @Test
    void defaultsMatchConfluentWhereTheMeaningIsTheSameAndRetryForever() {
        ElasticsearchSinkConfig config = new ElasticsearchSinkConfig(base());

        assertThat(config.keyIgnore()).isFalse();
        assertThat(config.schemaIgnore()).isFalse();
        assertThat(config.writeMethod()).isEqualTo(ElasticsearchSinkConfig.WriteMethod.INSERT);
        assertThat(config.nullValueBehavior()).isEqualTo(ElasticsearchSinkConfig.NullValueBehavior.FAIL);
        assertThat(config.malformedDocumentBehavior())
                .isEqualTo(ElasticsearchSinkConfig.MalformedDocumentBehavior.FAIL);
        assertThat(config.batchSize()).isEqualTo(2000);
        assertThat(config.maxInFlightRequests()).isEqualTo(5);
        assertThat(config.maxRetries()).isEqualTo(-1);
        assertThat(config.errorsToleranceAll()).isFalse();
        assertThat(errors(base())).isEmpty();
    }

    @Test
    void enumValuesAreCaseInsensitiveAndRecommended() {
        Map<String, String> props = base();
        props.put("write.method", "UPSERT");
        props.put("behavior.on.null.values", "Delete");

        assertThat(new ElasticsearchSinkConfig(props).writeMethod())
                .isEqualTo(ElasticsearchSinkConfig.WriteMethod.UPSERT);
        ConfigValue writeMethod = new ElasticsearchSinkConnector()
                .validate(props).configValues().stream()
                        .filter(v -> v.name().equals("write.method"))
                        .findFirst()
                        .orElseThrow();
        assertThat(writeMethod.recommendedValues()).containsExactly("insert", "upsert");
    }

    @Test
    void singleFieldErrorsAreReportedOnTheirField() {
        Map<String, String> props = base();
        props.put("connection.url", "ftp://x");
        props.put("write.method", "merge");
        props.put("topic.index.map", "a:B");
        props.put("index.name.pattern", "Upper-{topic}");

        assertThat(errors(props))
                .containsOnlyKeys("connection.url", "write.method", "topic.index.map", "index.name.pattern");
    }

    @Test
    void badCombinationsAreReportedOnTheFieldToChange(@TempDir Path dir) throws Exception {
        Path policy = dir.resolve("ilm.yaml");
        Files.writeString(policy, "hot: {rollover: {max_age: 1d}}\n");
        Map<String, String> props = base();
        props.put("key.ignore", "true");
        props.put("behavior.on.null.values", "delete");
        props.put("connection.username", "elastic");
        props.put("connection.api.key", "c2VjcmV0");
        props.put("elastic.https.ssl.trust.all", "true");
        props.put("ilm.policy.file", policy.toString());
        props.put("index.name.pattern", "events-{yyyy.MM}");
        props.put("retry.backoff.ms", "1000");
        props.put("retry.backoff.max.ms", "10");

        Map<String, List<String>> errors = errors(props);

        assertThat(errors)
                .containsOnlyKeys(
                        "behavior.on.null.values",
                        "connection.password",
                        "connection.username",
                        "connection.api.key",
                        "elastic.https.ssl.trust.all",
                        "index.name.pattern",
                        "retry.backoff.max.ms");
        assertThat(errors.get("behavior.on.null.values").get(0)).contains("key.ignore=false");
        assertThat(errors.get("index.name.pattern").get(0)).contains("ILM");
    }

    @Test
    void unreadableOrInvalidPolicyFileAndIlmRequiredWithoutPolicy(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "hot: {rollover: {max_age: soon}}\n");
        Map<String, String> props = base();
        props.put("ilm.policy.file", bad.toString());
        assertThat(errors(props).get("ilm.policy.file").get(0)).contains("hot.rollover.max_age");

        Map<String, String> required = base();
        required.put("ilm.required", "true");
        assertThat(errors(required)).containsOnlyKeys("ilm.required");
    }

    @Test
    void aCaFileThisWorkerCannotReadIsReportedOnItsField(@TempDir Path dir) {
        Map<String, String> props = base();
        props.put("connection.url", "https://127.0.0.1:9200");
        props.put("elastic.https.ssl.ca.file", dir.resolve("missing.pem").toString());

        Map<String, List<String>> errors = errors(props);

        assertThat(errors).containsOnlyKeys("elastic.https.ssl.ca.file");
        assertThat(errors.get("elastic.https.ssl.ca.file"))
                .singleElement()
                .asString()
                .contains("not a readable file");
    }

    @Test
    void startFailsFastOnTheFirstProblemAndSecretsAreHidden() {
        Map<String, String> props = base();
        props.put("connection.password", "s3cret");
        assertThatThrownBy(() -> new ElasticsearchSinkConnector().start(props))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("connection.username");

        props.put("connection.username", "elastic");
        ElasticsearchSinkConfig config = new ElasticsearchConfigValidator().parseValid(props);
        assertThat(config.password().orElseThrow().toString()).doesNotContain("s3cret");
        assertThat(config.toString()).doesNotContain("s3cret");
    }

    @Test
    void aUrlCarryingCredentialsIsRefusedNamingTheCredentialSettingsAndNeverEchoed() {
        Map<String, String> props = base();
        props.put("connection.url", "https://es-1.example.com:9200, https://elastic:s3cret-pw@es-2.example.com:9200");

        List<String> messages = errors(props).get("connection.url");
        assertThat(messages)
                .singleElement()
                .asString()
                .contains("connection.username/connection.password", "connection.api.key", "connection.bearer.token")
                .contains("***@es-2.example.com:9200")
                .doesNotContain("s3cret-pw")
                .doesNotContain("elastic:");
        ConfigValue url = new ElasticsearchSinkConnector()
                .validate(props).configValues().stream()
                        .filter(v -> v.name().equals("connection.url"))
                        .findFirst()
                        .orElseThrow();
        assertThat(String.valueOf(url.value())).doesNotContain("s3cret-pw");
        assertThatThrownBy(() -> new ElasticsearchSinkConnector().start(props))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("connection.password")
                .message()
                .doesNotContain("s3cret-pw");
        // user info without a scheme, which is not even a URL, is not echoed either
        props.put("connection.url", "elastic:s3cret-pw@es-2.example.com:9200");
        assertThat(errors(props).get("connection.url"))
                .singleElement()
                .asString()
                .doesNotContain("s3cret-pw");
    }

    @Test
    void credentialsOverPlainHttpToAnotherHostAndTrustAllAreWarnedAboutNamingTheSetting() {
        Map<String, String> remote = base();
        remote.put("connection.url", "http://es.example.com:9200");
        remote.put("connection.api.key", "a2V5");
        assertThat(ElasticsearchConfigValidator.securityWarnings(new ElasticsearchSinkConfig(remote)))
                .singleElement()
                .asString()
                .contains("connection.api.key", "connection.url", "http://es.example.com:9200")
                .doesNotContain("a2V5");

        Map<String, String> loopback = base();
        loopback.put("connection.username", "elastic");
        loopback.put("connection.password", "pw");
        assertThat(ElasticsearchConfigValidator.securityWarnings(new ElasticsearchSinkConfig(loopback)))
                .isEmpty();
        Map<String, String> anonymous = base();
        anonymous.put("connection.url", "http://es.example.com:9200");
        assertThat(ElasticsearchConfigValidator.securityWarnings(new ElasticsearchSinkConfig(anonymous)))
                .isEmpty();

        Map<String, String> trustAll = base();
        trustAll.put("connection.url", "https://es.example.com:9200");
        trustAll.put("elastic.https.ssl.trust.all", "true");
        assertThat(ElasticsearchConfigValidator.securityWarnings(new ElasticsearchSinkConfig(trustAll)))
                .singleElement()
                .asString()
                .contains("elastic.https.ssl.trust.all", "elastic.https.ssl.ca.file");
    }

    @Test
    void headersAreOffByDefaultAndTheirSettingsAreCheckedEachOnItsField() {
        ElasticsearchSinkConfig defaults = new ElasticsearchSinkConfig(base());
        assertThat(defaults.headersInclude()).isEmpty();
        assertThat(defaults.headersFieldName()).isEqualTo("kafka_headers");
        assertThat(defaults.headersValueMaxChars()).isEqualTo(1024);

        Map<String, String> good = base();
        good.put("headers.include", " cxone.job.id , cxone.chunk.sha256,cxone.chunk.offset");
        good.put("headers.field.name", "cxone");
        assertThat(errors(good)).isEmpty();
        assertThat(new ElasticsearchSinkConfig(good).headersInclude())
                .containsExactly("cxone.job.id", "cxone.chunk.sha256", "cxone.chunk.offset");

        Map<String, String> tooMany = base();
        tooMany.put(
                "headers.include",
                java.util.stream.IntStream.rangeClosed(1, 33)
                        .mapToObj(i -> "h" + i)
                        .collect(Collectors.joining(",")));
        assertThat(errors(tooMany).get("headers.include"))
                .singleElement()
                .asString()
                .contains("at most 32");

        for (String include : List.of(
                "a,a", "cxone.job,cxone.job.id", "a..b", ".a", "a.", "x".repeat(256), "a.b.c.d.e.f.g.h.i.j.k")) {
            Map<String, String> props = base();
            props.put("headers.include", include);
            assertThat(errors(props)).as(include).containsOnlyKeys("headers.include");
        }
        for (String field : List.of("_source", "_cxone", "a.b", " ", "x".repeat(256))) {
            Map<String, String> props = base();
            props.put("headers.field.name", field);
            assertThat(errors(props)).as(field).containsOnlyKeys("headers.field.name");
        }
        for (String max : List.of("0", "8193")) {
            Map<String, String> props = base();
            props.put("headers.value.max.chars", max);
            assertThat(errors(props)).as(max).containsOnlyKeys("headers.value.max.chars");
        }
    }
}
