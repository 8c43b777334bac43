package io.cxone.kafka.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BridgeConfigTest {

    private static Map<String, String> minimal() {
        Map<String, String> m = new HashMap<>();
        m.put("kafka.bootstrap.servers", "127.0.0.1:9092");
        m.put("auth.token.dash", "secret-123456");
        m.put("auth.token.dash.topics", "cxone\\..*, other");
        return m;
    }

    /** Loading {@code settings} fails with Kafka's message naming {@code key} and the refused {@code value}. */
    private static AbstractThrowableAssert<?, ? extends Throwable> assertRefused(
            Map<String, String> settings, String key, String value) {
        return assertThatThrownBy(() -> BridgeConfig.of(settings))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("Invalid value " + value + " for configuration " + key + ":");
    }

    @Test
    void projectConfigFileLoadsWithLocalStackSettings() {
        BridgeConfig config = BridgeConfig.load(Path.of("../config/websocket-bridge.properties"));
        assertThat(config.listenHost()).isEqualTo("127.0.0.1");
        assertThat(config.listenPort()).isEqualTo(8702);
        assertThat(config.bootstrapServers()).isEqualTo("127.0.0.1:9092");
        assertThat(config.schemaRegistryUrl()).isEqualTo("http://127.0.0.1:8081/apis/registry/v2");
        assertThat(config.tokens()).singleElement().satisfies(t -> {
            assertThat(t.allows("cxone.webhook.events")).isTrue();
            assertThat(t.allows("secret.topic")).isFalse();
        });
    }

    /** docker-compose.yml appends the secrets folder's websocket-bridge-tokens.properties to the generated file. */
    @Test
    void composeConfigFileLoadsWithTheOperatorsTokensAndNeverWithTheDevelopmentToken(@TempDir Path dir)
            throws IOException {
        Path generated = Path.of("../deploy/compose/websocket-bridge.properties");
        assertThat(Files.readString(generated)).doesNotContain("local-dev-dashboard-token");
        assertThatThrownBy(() -> BridgeConfig.load(generated))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("auth.enabled")
                .hasMessageContaining("no tokens defined");

        Path appended = dir.resolve("bridge.properties");
        Files.writeString(
                appended,
                Files.readString(generated)
                        + "auth.token.ops=an-operators-secret\nauth.token.ops.topics=cxone\\\\..*\n");
        BridgeConfig config = BridgeConfig.load(appended);
        assertThat(config.listenHost()).isEqualTo("0.0.0.0");
        assertThat(config.bootstrapServers()).isEqualTo("kafka-1:9092,kafka-2:9092,kafka-3:9092");
        assertThat(config.kafkaSecurity()).containsEntry("security.protocol", "PLAINTEXT");
        assertThat(config.tokens()).singleElement().satisfies(token -> {
            assertThat(token.id()).isEqualTo("ops");
            assertThat(token.allows("cxone.webhook.events")).isTrue();
        });
    }

    /** A token secret kept out of the file: Kafka's FileConfigProvider resolves the reference at start-up. */
    @Test
    void configProvidersResolveReferencesAndAnUnresolvedOneStopsTheBridge(@TempDir Path dir) throws IOException {
        Path secrets = dir.resolve("tokens.properties");
        Files.writeString(secrets, "ops=an-operators-secret\n");
        Map<String, String> m = minimal();
        m.put("config.providers", "file");
        m.put("config.providers.file.class", "org.apache.kafka.common.config.provider.FileConfigProvider");
        m.put("config.providers.file.param.allowed.paths", dir.toString());
        m.put("auth.token.ops", "${file:" + secrets + ":ops}");
        m.put("auth.token.ops.topics", "ops\\..*");
        BridgeConfig config = BridgeConfig.of(m);
        assertThat(config.tokens())
                .filteredOn(t -> t.id().equals("ops"))
                .singleElement()
                .extracting(BridgeConfig.Token::secret)
                .isEqualTo("an-operators-secret");
        assertThat(config.toString()).doesNotContain("an-operators-secret");

        // a key the file does not have, and a provider nobody declared: the text of the reference is no secret
        m.put("auth.token.ops", "${file:" + secrets + ":missing}");
        assertThatThrownBy(() -> BridgeConfig.of(m))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("auth.token.ops")
                .hasMessageContaining("was not resolved");
        Map<String, String> undeclared = minimal();
        undeclared.put("auth.token.dash", "${env:BRIDGE_DASHBOARD_TOKEN}");
        assertThatThrownBy(() -> BridgeConfig.of(undeclared))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("auth.token.dash: the reference ${env:BRIDGE_DASHBOARD_TOKEN} was not resolved");
    }

    @Test
    void defaultsAndTokenPatterns() {
        BridgeConfig config = BridgeConfig.of(minimal());
        assertThat(config.slowClientPolicy()).isEqualTo(BridgeConfig.SlowClientPolicy.DROP_OLDEST);
        assertThat(config.allowedOrigins()).isEmpty();
        assertThat(config.authEnabled()).isTrue();
        BridgeConfig.Token token = config.tokens().get(0);
        assertThat(token.id()).isEqualTo("dash");
        assertThat(token.allows("cxone.x")).isTrue();
        assertThat(token.allows("other")).isTrue();
        assertThat(token.allows("otherwise")).isFalse();
        assertThat(token.toString()).doesNotContain("secret-123456");
    }

    @Test
    void errorsNameTheKey() {
        Map<String, String> m = minimal();
        m.put("client.slow.policy", "block");
        assertRefused(m, "client.slow.policy", "block").hasMessageContaining("[drop-oldest, disconnect]");

        Map<String, String> port = minimal();
        port.put("listen.port", "http");
        assertRefused(port, "listen.port", "http").hasMessageContaining("Not a number of type INT");

        Map<String, String> missing = minimal();
        missing.remove("kafka.bootstrap.servers");
        assertThatThrownBy(() -> BridgeConfig.of(missing)).hasMessageContaining("kafka.bootstrap.servers");

        Map<String, String> typo = minimal();
        typo.put("client.queue.max.mesages", "5");
        assertThatThrownBy(() -> BridgeConfig.of(typo))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("Unknown configuration client.queue.max.mesages");
        Map<String, String> secretTypo = minimal();
        secretTypo.put("auth.tokens.dash", "misplaced-secret");
        assertThatThrownBy(() -> BridgeConfig.of(secretTypo))
                .hasMessageContaining("Unknown configuration auth.tokens.dash")
                .message()
                .doesNotContain("misplaced-secret");

        Map<String, String> regex = minimal();
        regex.put("auth.token.dash.topics", "cxone.(");
        assertRefused(regex, "auth.token.dash.topics", "cxone.(").hasMessageContaining("invalid regex");

        Map<String, String> origin = minimal();
        origin.put("origins.allowed", "example.com");
        assertRefused(origin, "origins.allowed", "example.com");

        Map<String, String> tls = minimal();
        tls.put("tls.enabled", "true");
        assertThatThrownBy(() -> BridgeConfig.of(tls)).hasMessageContaining("tls.keystore.path");
    }

    @Test
    void authNeedsTokensUnlessDisabledAndSecretsAreNeverPrinted() {
        Map<String, String> none = new HashMap<>();
        none.put("kafka.bootstrap.servers", "k:9092");
        assertThatThrownBy(() -> BridgeConfig.of(none))
                .hasMessageContaining("auth.enabled")
                .hasMessageContaining("no tokens");
        none.put("auth.enabled", "false");
        assertThat(BridgeConfig.of(none).tokens()).isEmpty();

        Map<String, String> noTopics = minimal();
        noTopics.remove("auth.token.dash.topics");
        assertThatThrownBy(() -> BridgeConfig.of(noTopics)).hasMessageContaining("auth.token.dash.topics");

        Map<String, String> shortSecret = minimal();
        shortSecret.put("auth.token.dash", "abc");
        assertRefused(shortSecret, "auth.token.dash", "[hidden]").message().doesNotContain("abc");
    }

    @Test
    void queueLimitsMustHoldAFrame() {
        Map<String, String> m = minimal();
        m.put("frame.max.bytes", "2000000");
        m.put("client.queue.max.bytes", "1000000");
        assertRefused(m, "client.queue.max.bytes", "1000000").hasMessageContaining("frame.max.bytes");
    }

    @Test
    void internalTopicsDefaultToTheWorkersAndConnectsOwnAndKafkasAreAlwaysIncluded() throws Exception {
        BridgeConfig config = BridgeConfig.of(minimal());
        java.util.Properties worker = new java.util.Properties();
        try (java.io.Reader in =
                java.nio.file.Files.newBufferedReader(Path.of("../config/connect-distributed.properties"))) {
            worker.load(in);
        }
        for (String key : java.util.List.of("config.storage.topic", "offset.storage.topic", "status.storage.topic")) {
            assertThat(config.internalTopic(worker.getProperty(key))).as(key).isTrue();
        }
        assertThat(config.internalTopic("connect-configs")).isTrue();
        assertThat(config.internalTopic("__consumer_offsets")).isTrue();
        assertThat(config.internalTopic("cxone.webhook.events")).isFalse();

        Map<String, String> custom = minimal();
        custom.put("topics.internal", "mm2-offsets.source.internal");
        BridgeConfig configured = BridgeConfig.of(custom);
        assertThat(configured.internalTopic("mm2-offsets.source.internal")).isTrue();
        assertThat(configured.internalTopic("__transaction_state"))
                .as("__ whatever the setting")
                .isTrue();
        assertThat(configured.internalTopic("connect-offsets")).isFalse();
    }

    @Test
    void secretLengthAndRegistryCredentialsAreChecked() {
        Map<String, String> longSecret = minimal();
        longSecret.put("auth.token.dash", "x".repeat(BridgeConfig.TOKEN_MAX_CHARS + 1));
        assertRefused(longSecret, "auth.token.dash", "[hidden]").hasMessageContaining("8 to 512 characters");

        Map<String, String> half = minimal();
        half.put("schema.registry.url", "https://registry.example:8443/apis/registry/v2");
        half.put("schema.registry.auth.username", "bridge");
        assertThatThrownBy(() -> BridgeConfig.of(half)).hasMessageContaining("schema.registry.auth.password");

        Map<String, String> clear = minimal();
        clear.put("schema.registry.url", "http://registry.example:8080/apis/registry/v2");
        clear.put("schema.registry.auth.username", "bridge");
        clear.put("schema.registry.auth.password", "pw-123456");
        assertThatThrownBy(() -> BridgeConfig.of(clear))
                .hasMessageContaining("schema.registry.url")
                .hasMessageContaining("https://")
                .message()
                .doesNotContain("pw-123456");
        clear.put("schema.registry.url", "http://127.0.0.1:8081/apis/registry/v2");
        assertThat(BridgeConfig.of(clear).registryUsername()).isEqualTo("bridge");
    }

    @Test
    void ticketAndSseSettingsHaveDefaultsAndBounds() {
        BridgeConfig defaults = BridgeConfig.of(minimal());
        assertThat(defaults.ticketTtl()).hasSeconds(30);
        assertThat(defaults.ticketsMax()).isEqualTo(10_000);
        assertThat(defaults.sseHeartbeat()).hasSeconds(15);
        assertThat(defaults.sseRetryMillis()).isEqualTo(3000);

        Map<String, String> m = minimal();
        m.put("auth.ticket.ttl.ms", "2000");
        m.put("auth.tickets.max", "5");
        m.put("sse.heartbeat.interval.ms", "1000");
        m.put("sse.retry.ms", "0");
        BridgeConfig set = BridgeConfig.of(m);
        assertThat(set.ticketTtl()).hasMillis(2000);
        assertThat(set.ticketsMax()).isEqualTo(5);
        assertThat(set.sseHeartbeat()).hasMillis(1000);
        assertThat(set.sseRetryMillis()).isZero();

        Map<String, String> longTickets = minimal();
        longTickets.put("auth.ticket.ttl.ms", "60000");
        assertRefused(longTickets, "auth.ticket.ttl.ms", "60000").hasMessageContaining("no more than 30000");
        Map<String, String> noTickets = minimal();
        noTickets.put("auth.tickets.max", "0");
        assertRefused(noTickets, "auth.tickets.max", "0");
        Map<String, String> busy = minimal();
        busy.put("sse.heartbeat.interval.ms", "10");
        assertRefused(busy, "sse.heartbeat.interval.ms", "10");
    }

    @Test
    void outOfRangeNumbersAndUnknownEnumValuesNameTheKey() {
        Map<String, String> none = minimal();
        none.put("limits.connections.total", "0");
        assertRefused(none, "limits.connections.total", "0").hasMessageContaining("at least 1");

        Map<String, String> huge = minimal();
        huge.put("frame.max.bytes", Integer.toString(64 * 1024 * 1024 + 1));
        assertRefused(huge, "frame.max.bytes", "67108865").hasMessageContaining("no more than 67108864");

        Map<String, String> port = minimal();
        port.put("listen.port", "65536");
        assertRefused(port, "listen.port", "65536").hasMessageContaining("no more than 65535");

        Map<String, String> idType = minimal();
        idType.put("schema.registry.id.type", "schemaId");
        assertRefused(idType, "schema.registry.id.type", "schemaId")
                .hasMessageContaining("must be one of [contentId, globalId]");
    }

    @Test
    void everyDefaultIsTheDocumentedOne() {
        BridgeConfig config = BridgeConfig.of(minimal());
        assertThat(config.listenHost()).isEqualTo("127.0.0.1");
        assertThat(config.listenPort()).isEqualTo(8702);
        assertThat(config.shutdownGrace()).hasMillis(5_000);
        assertThat(config.tlsEnabled()).isFalse();
        assertThat(config.keystorePath()).isNull();
        assertThat(config.keystoreType()).isEqualTo("PKCS12");
        assertThat(config.pollTimeout()).hasMillis(200);
        assertThat(config.consumerOverrides()).isEmpty();
        assertThat(config.kafkaSecurity()).isEmpty();
        assertThat(config.schemaRegistryUrl()).isEmpty();
        assertThat(config.schemaIdType()).isEqualTo(BridgeConfig.SchemaIdType.CONTENT_ID);
        assertThat(config.registryUsername()).isEmpty();
        assertThat(config.registryPassword()).isEmpty();
        assertThat(config.registryTruststorePath()).isNull();
        assertThat(config.registryTruststoreType()).isEqualTo("PKCS12");
        assertThat(config.registryTimeout()).hasMillis(5_000);
        assertThat(config.registryResponseMaxBytes()).isEqualTo(1024 * 1024);
        assertThat(config.frameMaxBytes()).isEqualTo(1024 * 1024);
        assertThat(config.batchMaxRecords()).isEqualTo(500);
        assertThat(config.deflateEnabled()).isTrue();
        assertThat(config.queueMaxMessages()).isEqualTo(1000);
        assertThat(config.queueMaxBytes()).isEqualTo(4L * 1024 * 1024);
        assertThat(config.queueMaxBytesTotal()).isEqualTo(256L * 1024 * 1024);
        assertThat(config.idleTimeout()).hasMillis(300_000);
        assertThat(config.writeTimeout()).hasMillis(30_000);
        assertThat(config.maxConnections()).isEqualTo(1000);
        assertThat(config.maxConnectionsPerAddress()).isEqualTo(50);
        assertThat(config.maxSubscriptionsPerClient()).isEqualTo(20);
        assertThat(config.maxPartitionsPerClient()).isEqualTo(256);
        assertThat(config.maxConsumers()).isEqualTo(200);
        assertThat(config.maxConsumersPerConnection()).isEqualTo(4);
        assertThat(config.maxMessageBytes()).isEqualTo(64 * 1024);
        assertThat(config.maxRequestHeaderBytes()).isEqualTo(8 * 1024);
    }

    @Test
    void secretsNeverAppearInThePrintedSettings() {
        Map<String, String> m = minimal();
        m.put("auth.token.ops", "ops-secret-987654");
        m.put("auth.token.ops.topics", "ops\\..*");
        m.put("schema.registry.url", "https://registry.example:8443/apis/registry/v2");
        m.put("schema.registry.auth.username", "bridge");
        m.put("schema.registry.auth.password", "registry-pw-1");
        m.put("kafka.sasl.jaas.config", "ScramLoginModule required password=\"kafka-pw-1\";");
        BridgeConfig config = BridgeConfig.of(m);

        String printed = config.toString();
        assertThat(printed)
                .contains(
                        "auth.token.dash=[hidden]", "auth.token.ops=[hidden]", "schema.registry.auth.password=[hidden]")
                .contains("schema.registry.auth.username=bridge", "auth.token.ops.topics=[ops\\..*]")
                .doesNotContain("secret-123456", "ops-secret-987654", "registry-pw-1", "kafka-pw-1");
        assertThat(config.tokens()).extracting(BridgeConfig.Token::secret).contains("ops-secret-987654");
        assertThat(config.registryPassword()).isEqualTo("registry-pw-1");
    }
}
