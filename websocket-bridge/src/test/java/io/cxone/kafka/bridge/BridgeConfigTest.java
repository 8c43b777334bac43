package io.cxone.kafka.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BridgeConfigTest {

    private static Map<String, String> minimal() {
        Map<String, String> m = new HashMap<>();
        m.put("kafka.bootstrap.servers", "127.0.0.1:9092");
        m.put("auth.token.dash", "secret-123456");
        m.put("auth.token.dash.topics", "cxone\\..*, other");
        return m;
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
        assertThatThrownBy(() -> BridgeConfig.of(m))
                .isInstanceOf(BridgeConfig.ConfigException.class)
                .hasMessageContaining("client.slow.policy=block")
                .hasMessageContaining("drop-oldest or disconnect");

        Map<String, String> port = minimal();
        port.put("listen.port", "http");
        assertThatThrownBy(() -> BridgeConfig.of(port)).hasMessageContaining("listen.port=http: expected an integer");

        Map<String, String> missing = minimal();
        missing.remove("kafka.bootstrap.servers");
        assertThatThrownBy(() -> BridgeConfig.of(missing)).hasMessageContaining("kafka.bootstrap.servers");

        Map<String, String> typo = minimal();
        typo.put("client.queue.max.mesages", "5");
        assertThatThrownBy(() -> BridgeConfig.of(typo)).hasMessageContaining("client.queue.max.mesages=5: unknown key");

        Map<String, String> regex = minimal();
        regex.put("auth.token.dash.topics", "cxone.(");
        assertThatThrownBy(() -> BridgeConfig.of(regex))
                .hasMessageContaining("auth.token.dash.topics")
                .hasMessageContaining("invalid regex");

        Map<String, String> origin = minimal();
        origin.put("origins.allowed", "example.com");
        assertThatThrownBy(() -> BridgeConfig.of(origin)).hasMessageContaining("origins.allowed=example.com");

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
        assertThatThrownBy(() -> BridgeConfig.of(shortSecret))
                .hasMessageContaining("auth.token.dash=<hidden>")
                .message()
                .doesNotContain("abc");
    }

    @Test
    void queueLimitsMustHoldAFrame() {
        Map<String, String> m = minimal();
        m.put("frame.max.bytes", "2000000");
        m.put("client.queue.max.bytes", "1000000");
        assertThatThrownBy(() -> BridgeConfig.of(m))
                .hasMessageContaining("client.queue.max.bytes=1000000")
                .hasMessageContaining("frame.max.bytes");
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
        assertThatThrownBy(() -> BridgeConfig.of(longSecret))
                .hasMessageContaining("auth.token.dash=<hidden>")
                .hasMessageContaining("8 to 512 characters");

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
        assertThatThrownBy(() -> BridgeConfig.of(longTickets))
                .hasMessageContaining("auth.ticket.ttl.ms=60000: expected a value between 1000 and 30000");
        Map<String, String> noTickets = minimal();
        noTickets.put("auth.tickets.max", "0");
        assertThatThrownBy(() -> BridgeConfig.of(noTickets)).hasMessageContaining("auth.tickets.max=0");
        Map<String, String> busy = minimal();
        busy.put("sse.heartbeat.interval.ms", "10");
        assertThatThrownBy(() -> BridgeConfig.of(busy)).hasMessageContaining("sse.heartbeat.interval.ms=10");
    }
}
