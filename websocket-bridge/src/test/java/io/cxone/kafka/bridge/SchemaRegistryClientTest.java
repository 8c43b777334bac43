package io.cxone.kafka.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SchemaRegistryClientTest {

    @Test
    void registryLookUpCarriesBasicAuthAndTheConfiguredTimeout() {
        Map<String, String> m = new java.util.HashMap<>(Map.of(
                "kafka.bootstrap.servers",
                "127.0.0.1:9092",
                "auth.enabled",
                "false",
                "schema.registry.url",
                "http://127.0.0.1:1/apis/registry/v2",
                "schema.registry.auth.username",
                "bridge",
                "schema.registry.auth.password",
                "s3cret:pw",
                "schema.registry.timeout.ms",
                "1500"));
        try (SchemaRegistryClient registry = new SchemaRegistryClient(BridgeConfig.of(m))) {
            org.eclipse.jetty.client.Request request = registry.request(7);
            assertThat(request.getURI().toString()).isEqualTo("http://127.0.0.1:1/apis/registry/v2/ids/contentIds/7");
            assertThat(request.getHeaders().get("Authorization"))
                    .isEqualTo("Basic "
                            + java.util.Base64.getEncoder()
                                    .encodeToString("bridge:s3cret:pw".getBytes(StandardCharsets.UTF_8)));
            assertThat(request.getTimeout()).isEqualTo(1500);
        }
        m.remove("schema.registry.auth.username");
        m.remove("schema.registry.auth.password");
        try (SchemaRegistryClient registry = new SchemaRegistryClient(BridgeConfig.of(m))) {
            assertThat(registry.request(7).getHeaders().get("Authorization")).isNull();
        }
    }

    @Test
    void registryTruststoreIsLoadedAtStartAndABadOneIsNamed() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("registry-trust");
        java.nio.file.Path truststore = dir.resolve("trust.p12");
        Process keytool = new ProcessBuilder(
                        java.nio.file.Path.of(System.getProperty("java.home"), "bin", "keytool")
                                .toString(),
                        "-genkeypair",
                        "-alias",
                        "registry",
                        "-keyalg",
                        "EC",
                        "-groupname",
                        "secp256r1",
                        "-dname",
                        "CN=registry",
                        "-validity",
                        "2",
                        "-storetype",
                        "PKCS12",
                        "-keystore",
                        truststore.toString(),
                        "-storepass",
                        "changeit",
                        "-keypass",
                        "changeit")
                .inheritIO()
                .start();
        assertThat(keytool.waitFor()).isZero();
        Map<String, String> m = new java.util.HashMap<>(Map.of(
                "kafka.bootstrap.servers",
                "127.0.0.1:9092",
                "auth.enabled",
                "false",
                "schema.registry.url",
                "https://registry.invalid/apis/registry/v2",
                "schema.registry.ssl.truststore.location",
                truststore.toString(),
                "schema.registry.ssl.truststore.password",
                "changeit"));
        new SchemaRegistryClient(BridgeConfig.of(m)).close();
        m.put("schema.registry.ssl.truststore.password", "wrong-password");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new SchemaRegistryClient(BridgeConfig.of(m)))
                .isInstanceOf(org.apache.kafka.common.config.ConfigException.class)
                .hasMessageContaining("schema.registry.ssl.truststore.location")
                .hasMessageContaining("schema.registry.ssl.truststore.password");
    }
}
