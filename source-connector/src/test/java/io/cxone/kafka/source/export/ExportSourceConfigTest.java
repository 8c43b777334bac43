package io.cxone.kafka.source.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;

/** Credentials and plain http in the CXone URLs: refused by validate() and at start, on the URL field, never echoed. */
class ExportSourceConfigTest {

    private static final String SECRET = "s3cret-value";

    static Map<String, String> records(String baseUrl) {
        Map<String, String> props = new HashMap<>();
        props.put(ExportSourceConfig.API_FLAVOUR, "records");
        props.put(ExportSourceConfig.BASE_URL, baseUrl);
        props.put(ExportSourceConfig.CLIENT_ID, "client");
        props.put(ExportSourceConfig.CLIENT_SECRET, SECRET);
        props.put(ExportSourceConfig.REPORTS, "r1");
        props.put(ExportSourceConfig.TOPIC, "t");
        return props;
    }

    private static Map<String, String> dataExtraction(String baseUrl, String issuerUrl) {
        Map<String, String> props = new HashMap<>();
        props.put(ExportSourceConfig.API_FLAVOUR, "data-extraction");
        props.put(ExportSourceConfig.BASE_URL, baseUrl);
        props.put(ExportSourceConfig.ISSUER_URL, issuerUrl);
        props.put(ExportSourceConfig.ACCESS_KEY_ID, "key-id");
        props.put(ExportSourceConfig.ACCESS_KEY_SECRET, SECRET);
        props.put(ExportSourceConfig.ENTITIES, "e1");
        props.put(ExportSourceConfig.TOPIC, "t");
        return props;
    }

    private static List<ConfigValue> validate(Map<String, String> props) {
        return new CxoneExportSourceConnector().validate(props).configValues();
    }

    /** The errors of Connect's validation answer (the connector's validator), by setting. */
    static Map<String, List<String>> errors(Map<String, String> props) {
        return validate(props).stream()
                .filter(v -> !v.errorMessages().isEmpty())
                .collect(Collectors.toMap(ConfigValue::name, ConfigValue::errorMessages));
    }

    @Test
    void urlsCarryingCredentialsAreRefusedNamingTheCredentialSettingsAndNeverEchoed() {
        Map<String, String> inBase = records("https://client:" + SECRET + "@api.example.com");
        assertThat(errors(inBase)).containsOnlyKeys(ExportSourceConfig.BASE_URL);
        assertThat(errors(inBase).get(ExportSourceConfig.BASE_URL))
                .singleElement()
                .asString()
                .contains("cxone.client.id/cxone.client.secret", "cxone.access.key.id/cxone.access.key.secret")
                .contains("https://***@api.example.com")
                .doesNotContain(SECRET);
        assertThat(validate(inBase))
                .allSatisfy(v -> assertThat(String.valueOf(v.value())).doesNotContain(SECRET));
        assertThatThrownBy(() -> new CxoneExportSourceConnector().start(inBase))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("cxone.client.secret")
                .message()
                .doesNotContain(SECRET);

        Map<String, String> inIssuer =
                dataExtraction("https://api.example.com", "https://key-id:" + SECRET + "@cxone.example.com");
        assertThat(errors(inIssuer)).containsOnlyKeys(ExportSourceConfig.ISSUER_URL);
        assertThat(errors(inIssuer).get(ExportSourceConfig.ISSUER_URL).get(0)).doesNotContain(SECRET);
        assertThat(validate(inIssuer))
                .allSatisfy(v -> assertThat(String.valueOf(v.value())).doesNotContain(SECRET));
    }

    @Test
    void aSecretOverPlainHttpToAnotherHostIsRefusedOnTheUrlThatWouldCarryItUnlessAllowed() {
        Map<String, String> remote = records("http://api.example.com");
        assertThat(errors(remote)).containsOnlyKeys(ExportSourceConfig.BASE_URL);
        assertThat(errors(remote).get(ExportSourceConfig.BASE_URL))
                .singleElement()
                .asString()
                .contains("cxone.client.secret", "https://", "cxone.allow.insecure.http=true");
        assertThatThrownBy(() -> new CxoneExportSourceConnector().start(remote))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("cxone.allow.insecure.http");

        Map<String, String> issuer = dataExtraction("https://api.example.com", "http://cxone.example.com");
        assertThat(errors(issuer)).containsOnlyKeys(ExportSourceConfig.ISSUER_URL);
        assertThat(errors(issuer).get(ExportSourceConfig.ISSUER_URL).get(0)).contains("cxone.access.key.secret");
        assertThat(errors(dataExtraction("http://cxone.example.com", "")))
                .containsOnlyKeys(ExportSourceConfig.BASE_URL);

        assertThat(errors(records("http://127.0.0.1:8700")))
                .as("a local simulator")
                .isEmpty();
        assertThat(errors(records("https://api.example.com"))).isEmpty();
        assertThat(new ExportSourceConfig(records("https://api.example.com")).insecureHttpWarning())
                .isEmpty();

        remote.put(ExportSourceConfig.ALLOW_INSECURE_HTTP, "true");
        assertThat(errors(remote)).isEmpty();
        assertThat(new ExportSourceConfig(remote).insecureHttpWarning())
                .get()
                .asString()
                .contains("cxone.client.secret", "cxone.base.url", "cxone.allow.insecure.http=true")
                .doesNotContain(SECRET);
    }

    @Test
    void aTokenEndpointLearnedFromDiscoveryOverPlainHttpToAnotherHostGetsNoSecret() {
        ExportSourceConfig config = new ExportSourceConfig(dataExtraction("https://api.example.com", ""));
        config.requireSafeForSecrets("https://cxone.example.com/auth/token", "OIDC discovery");
        config.requireSafeForSecrets("http://127.0.0.1:8700/auth/token", "OIDC discovery");
        assertThatThrownBy(() -> config.requireSafeForSecrets(
                        "http://u:" + SECRET + "@evil.example.com/token", "OIDC discovery"))
                .isInstanceOf(CxoneApiException.class)
                .hasMessageContaining("cxone.access.key.secret")
                .hasMessageContaining("cxone.allow.insecure.http")
                .message()
                .doesNotContain(SECRET);

        Map<String, String> allowed = dataExtraction("https://api.example.com", "");
        allowed.put(ExportSourceConfig.ALLOW_INSECURE_HTTP, "true");
        new ExportSourceConfig(allowed).requireSafeForSecrets("http://cxone.example.com/auth/token", "OIDC discovery");
    }
}
