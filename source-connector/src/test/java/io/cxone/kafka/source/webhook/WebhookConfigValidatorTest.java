package io.cxone.kafka.source.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WebhookConfigValidatorTest {

    private static Map<String, List<String>> errors(Map<String, String> settings) {
        Map<String, String> props = new HashMap<>(settings);
        props.putIfAbsent(WebhookConfig.TOPIC, "events");
        props.putIfAbsent(WebhookConfig.BIND_ADDRESS, "127.0.0.1");
        return new WebhookConfigValidator()
                .validate(props).configValues().stream()
                        .filter(v -> !v.errorMessages().isEmpty())
                        .collect(Collectors.toMap(ConfigValue::name, ConfigValue::errorMessages));
    }

    @Test
    void defaultsAreValidOnALoopbackAddress() {
        assertThat(errors(Map.of())).isEmpty();
        WebhookConfig config = new WebhookConfig(Map.of(WebhookConfig.TOPIC, "events"));
        assertThat(config.port()).isEqualTo(8701);
        assertThat(config.path()).isEqualTo("/webhook/cxone/events");
        assertThat(config.authMode()).isEqualTo(WebhookConfig.AuthMode.NONE);
        assertThat(config.dedupeEnabled()).isFalse();
    }

    @Test
    void singleFieldErrorsAreAttachedToTheirField() {
        assertThat(errors(Map.of(WebhookConfig.PORT, "70000"))).containsKey(WebhookConfig.PORT);
        assertThat(errors(Map.of(WebhookConfig.PATH, "no-slash"))).containsKey(WebhookConfig.PATH);
        assertThat(errors(Map.of(WebhookConfig.AUTH_MODE, "digest"))).containsKey(WebhookConfig.AUTH_MODE);
        assertThat(errors(Map.of(WebhookConfig.SCHEMA_REGISTRY_VERSION, "0")))
                .containsKey(WebhookConfig.SCHEMA_REGISTRY_VERSION);
        Map<String, String> noTopic = new HashMap<>();
        noTopic.put(WebhookConfig.TOPIC, "");
        assertThat(errors(noTopic)).containsKey(WebhookConfig.TOPIC);
    }

    /** The default bind address is every interface: no authentication there must be asked for, not inherited. */
    @Test
    void noAuthOnAPublicAddressIsRefusedUnlessAllowed() {
        Map<String, List<String>> errors = errors(Map.of(WebhookConfig.BIND_ADDRESS, "0.0.0.0"));
        assertThat(errors).containsOnlyKeys(WebhookConfig.AUTH_MODE);
        assertThat(errors.get(WebhookConfig.AUTH_MODE).get(0))
                .contains(
                        "auth.mode=none",
                        "listener.bind.address=0.0.0.0",
                        WebhookConfig.AUTH_NONE_ALLOW_PUBLIC + "=true");
        assertThat(errors(Map.of(WebhookConfig.BIND_ADDRESS, "0.0.0.0", WebhookConfig.AUTH_NONE_ALLOW_PUBLIC, "true")))
                .isEmpty();
        assertThat(errors(Map.of(
                        WebhookConfig.BIND_ADDRESS,
                        "0.0.0.0",
                        WebhookConfig.AUTH_MODE,
                        "bearer",
                        WebhookConfig.AUTH_BEARER_TOKEN,
                        "token-123")))
                .isEmpty();
        assertThat(errors(Map.of(WebhookConfig.BIND_ADDRESS, "10.1.2.3"))).containsOnlyKeys(WebhookConfig.AUTH_MODE);
        assertThat(errors(Map.of(WebhookConfig.BIND_ADDRESS, "::1"))).isEmpty();
        assertThat(errors(Map.of(WebhookConfig.BIND_ADDRESS, "localhost"))).isEmpty();
        // a connector or task started with such a config fails with the same message
        Map<String, String> props = Map.of(WebhookConfig.TOPIC, "events");
        assertThatThrownBy(() -> new WebhookConfigValidator().parseValid(props))
                .hasMessageContaining(WebhookConfig.AUTH_NONE_ALLOW_PUBLIC);
    }

    @Test
    void authModesNeedTheirSecrets() {
        assertThat(errors(Map.of(WebhookConfig.AUTH_MODE, "basic")))
                .containsKeys(WebhookConfig.AUTH_BASIC_USERNAME, WebhookConfig.AUTH_BASIC_PASSWORD);
        assertThat(errors(Map.of(WebhookConfig.AUTH_MODE, "bearer"))).containsKey(WebhookConfig.AUTH_BEARER_TOKEN);
        assertThat(errors(Map.of(WebhookConfig.AUTH_MODE, "hmac-sha256", WebhookConfig.AUTH_HMAC_SECRET, "short")))
                .containsKey(WebhookConfig.AUTH_HMAC_SECRET);
    }

    @Test
    void combinationsAndSchemaProblemsAreReportedOnTheRightField(@TempDir Path dir) throws Exception {
        Path schemaFile =
                Files.writeString(dir.resolve("x.avsc"), "{\"type\":\"record\",\"name\":\"A\",\"fields\":[]}");
        Path keystore = Files.writeString(dir.resolve("keystore.p12"), "not read by validation");
        assertThat(errors(Map.of(
                        WebhookConfig.SCHEMA_INLINE,
                        "{\"type\":\"record\",\"name\":\"A\",\"fields\":[]}",
                        WebhookConfig.SCHEMA_FILE,
                        schemaFile.toString())))
                .containsOnlyKeys(WebhookConfig.SCHEMA_INLINE);
        assertThat(errors(Map.of(WebhookConfig.SCHEMA_INLINE, "{not json"))).containsKey(WebhookConfig.SCHEMA_INLINE);
        assertThat(errors(Map.of(WebhookConfig.SCHEMA_INLINE, "\"string\""))).containsKey(WebhookConfig.SCHEMA_INLINE);
        assertThat(errors(Map.of(WebhookConfig.SCHEMA_FILE, "/does/not/exist.avsc")))
                .containsKey(WebhookConfig.SCHEMA_FILE);
        assertThat(errors(Map.of(WebhookConfig.SCHEMA_REGISTRY_SUBJECT, "s")))
                .containsKey(WebhookConfig.SCHEMA_REGISTRY_URL);
        assertThat(errors(Map.of(WebhookConfig.DLQ_TOPIC, "dead"))).containsKey(WebhookConfig.DLQ_BOOTSTRAP_SERVERS);
        assertThat(errors(Map.of(WebhookConfig.SCHEMA_FILE, dir.toString())))
                .as("a directory is no schema file")
                .containsKey(WebhookConfig.SCHEMA_FILE);
        assertThat(errors(Map.of(WebhookConfig.TLS_KEYSTORE_PATH, "/nope.p12")))
                .containsOnlyKeys(WebhookConfig.TLS_KEYSTORE_PATH);
        assertThat(errors(Map.of(WebhookConfig.TLS_KEYSTORE_PATH, keystore.toString())))
                .containsOnlyKeys(WebhookConfig.TLS_KEYSTORE_PASSWORD);
        assertThat(errors(Map.of(WebhookConfig.REQUEST_MAX_EVENTS, "50", WebhookConfig.QUEUE_MAX_EVENTS, "10")))
                .containsKey(WebhookConfig.REQUEST_MAX_EVENTS);
        assertThat(errors(Map.of(
                        WebhookConfig.REQUEST_MAX_BYTES,
                        "2000000",
                        WebhookConfig.REQUEST_MAX_DECODED_BYTES,
                        "1000000")))
                .containsEntry(
                        WebhookConfig.REQUEST_MAX_DECODED_BYTES,
                        List.of("must be at least request.max.bytes (2000000)"));
        assertThat(errors(Map.of(WebhookConfig.REQUEST_MAX_DECODED_BYTES, "100")))
                .containsKey(WebhookConfig.REQUEST_MAX_DECODED_BYTES);
    }

    @Test
    void authModesAreReadAsTheyAreWritten() {
        assertThat(new WebhookConfig(Map.of(WebhookConfig.TOPIC, "t", WebhookConfig.AUTH_MODE, "HMAC-SHA256"))
                        .authMode())
                .isEqualTo(WebhookConfig.AuthMode.HMAC_SHA256);
        assertThat(WebhookConfig.CONFIG_DEF
                        .configKeys()
                        .get(WebhookConfig.AUTH_MODE)
                        .validator
                        .toString())
                .contains("[none, basic, bearer, hmac-sha256]");
    }

    @Test
    void passwordsAreNeverShownInErrors() {
        Map<String, List<String>> errors =
                errors(Map.of(WebhookConfig.AUTH_MODE, "hmac-sha256", WebhookConfig.AUTH_HMAC_SECRET, "tiny-secret"));
        assertThat(errors.toString()).doesNotContain("tiny-secret");
    }

    @Test
    void everyTaskListensOnTheSamePortAndKnowsHowManyTasksThereAre() {
        List<Map<String, String>> tasks =
                WebhookConfig.taskConfigs(Map.of(WebhookConfig.TOPIC, "t", WebhookConfig.PORT, "9000"), 3);
        assertThat(tasks).hasSize(3);
        for (int i = 0; i < 3; i++) {
            WebhookConfig task = new WebhookConfig(tasks.get(i));
            assertThat(task.port()).isEqualTo(9000);
            assertThat(task.taskIndex()).isEqualTo(i);
            assertThat(task.taskCount()).isEqualTo(3);
        }
    }

    @Test
    void theHealthCheckPathIsNotAWebhookPath() {
        assertThat(errors(Map.of(WebhookConfig.PATH, HealthHandler.PATH)))
                .containsEntry(WebhookConfig.PATH, List.of("must differ from /health, the health check's path"));
    }

    @Test
    void dedupeConsumerSettingsArePassedOnWithoutThePrefixAndTyposAreRefused() {
        Map<String, String> settings = Map.of(
                WebhookConfig.DEDUPE_WINDOW_MS,
                "60000",
                WebhookConfig.DEDUPE_BOOTSTRAP_SERVERS,
                " kafka-1:9092 ",
                "dedupe.consumer.security.protocol",
                "SSL",
                "dedupe.consumer.ssl.truststore.location",
                "/etc/kafka/truststore.p12");
        assertThat(errors(settings)).isEmpty();
        WebhookConfig config = new WebhookConfig(withTopic(settings));
        assertThat(config.dedupeFromTopic()).isTrue();
        assertThat(config.dedupeConsumerSettings())
                .containsOnly(
                        Map.entry("bootstrap.servers", "kafka-1:9092"),
                        Map.entry("security.protocol", "SSL"),
                        Map.entry("ssl.truststore.location", "/etc/kafka/truststore.p12"));

        Map<String, List<String>> typo = errors(Map.of(
                WebhookConfig.DEDUPE_WINDOW_MS,
                "60000",
                WebhookConfig.DEDUPE_BOOTSTRAP_SERVERS,
                "kafka-1:9092",
                "dedupe.consumer.security.protocoll",
                "SSL"));
        assertThat(typo).containsOnlyKeys("dedupe.consumer.security.protocoll");
        assertThat(typo.get("dedupe.consumer.security.protocoll").get(0)).contains("not a Kafka consumer setting");
        assertThat(errors(
                        Map.of(WebhookConfig.DEDUPE_WINDOW_MS, "60000", "dedupe.consumer.bootstrap.servers", "k:9092")))
                .containsOnlyKeys(WebhookConfig.DEDUPE_BOOTSTRAP_SERVERS);
    }

    /** The reader's own needs win over anything passed through: committed records only, no group, no commits. */
    @Test
    void theDedupeConsumerReadsCommittedRecordsWhateverItIsGiven() {
        Map<String, Object> config = DedupeTopicReader.consumerConfig(
                Map.of(
                        "bootstrap.servers", "kafka-1:9092",
                        "isolation.level", "read_uncommitted",
                        "group.id", "g",
                        "enable.auto.commit", "true"),
                "cxone-webhook-wh-0");
        assertThat(config)
                .containsEntry("isolation.level", "read_committed")
                .containsEntry("enable.auto.commit", false)
                .containsEntry("client.id", "cxone-webhook-wh-0-dedupe")
                .doesNotContainKey("group.id");
    }

    @Test
    void dedupeBootstrapServersWithoutDedupeOrWithABinaryHeaderConverterAreRefused() {
        assertThat(errors(Map.of(WebhookConfig.DEDUPE_BOOTSTRAP_SERVERS, "kafka-1:9092")))
                .containsOnlyKeys(WebhookConfig.DEDUPE_BOOTSTRAP_SERVERS);
        assertThat(errors(Map.of(
                        WebhookConfig.DEDUPE_WINDOW_MS, "60000",
                        WebhookConfig.DEDUPE_BOOTSTRAP_SERVERS, "kafka-1:9092",
                        WebhookConfig.EVENT_ID_FIELD, "")))
                .containsOnlyKeys(WebhookConfig.DEDUPE_BOOTSTRAP_SERVERS);
        Map<String, String> json = Map.of(
                WebhookConfig.DEDUPE_WINDOW_MS, "60000",
                WebhookConfig.DEDUPE_BOOTSTRAP_SERVERS, "kafka-1:9092",
                WebhookConfigValidator.HEADER_CONVERTER, "org.apache.kafka.connect.json.JsonConverter");
        assertThat(errors(json).get(WebhookConfig.DEDUPE_BOOTSTRAP_SERVERS).get(0))
                .contains("header.converter=org.apache.kafka.connect.json.JsonConverter");
        for (String text : WebhookConfigValidator.TEXT_HEADER_CONVERTERS) {
            Map<String, String> settings = new HashMap<>(json);
            settings.put(WebhookConfigValidator.HEADER_CONVERTER, text);
            assertThat(errors(settings)).isEmpty();
        }
    }

    private static Map<String, String> withTopic(Map<String, String> settings) {
        Map<String, String> props = new HashMap<>(settings);
        props.put(WebhookConfig.TOPIC, "events");
        return props;
    }
}
