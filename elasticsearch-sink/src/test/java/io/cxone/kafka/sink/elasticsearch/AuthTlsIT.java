package io.cxone.kafka.sink.elasticsearch;

import static io.cxone.kafka.sink.elasticsearch.ElasticsearchQueries.count;
import static io.cxone.kafka.sink.elasticsearch.SinkTestSupport.deploy;
import static io.cxone.kafka.sink.elasticsearch.SinkTestSupport.freshTopic;
import static io.cxone.kafka.sink.elasticsearch.SinkTestSupport.json;
import static io.cxone.kafka.sink.elasticsearch.SinkTestSupport.sinkConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.cxone.kafka.sink.elasticsearch.client.ElasticsearchClients;
import io.cxone.kafka.testkit.TestServices;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.elasticsearch.client.RestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Authentication and TLS against the real Elasticsearch behind a TLS-terminating proxy that checks the
 * Authorization header (the integ-test distribution runs with security off; Elasticsearch itself stays real).
 * The proxy's certificate is generated per run with the JDK's keytool; the connector trusts it through
 * elastic.https.ssl.ca.file, or through trust-all only when that flag is set.
 */
class AuthTlsIT {

    private static final String BASIC =
            "Basic " + Base64.getEncoder().encodeToString("writer:s3cret".getBytes(StandardCharsets.UTF_8));

    @TempDir
    static Path dir;

    private static Path caFile;
    private static EmbeddedConnectCluster connect;
    private static FaultyElasticsearchProxy proxy;

    @BeforeAll
    static void start() throws Exception {
        connect = SinkTestSupport.startAll();
        Path keystore = dir.resolve("proxy.p12");
        caFile = dir.resolve("ca.pem");
        String keytool =
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        run(
                keytool,
                "-genkeypair",
                "-alias",
                "es",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-validity",
                "2",
                "-dname",
                "CN=localhost",
                "-ext",
                "SAN=ip:127.0.0.1,dns:localhost",
                "-storetype",
                "PKCS12",
                "-keystore",
                keystore.toString(),
                "-storepass",
                "changeit",
                "-keypass",
                "changeit");
        run(
                keytool,
                "-exportcert",
                "-rfc",
                "-alias",
                "es",
                "-keystore",
                keystore.toString(),
                "-storepass",
                "changeit",
                "-file",
                caFile.toString());
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, "changeit".toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(keys.getKeyManagers(), null, null);
        proxy = new FaultyElasticsearchProxy(TestServices.elasticsearch().httpPort(), tls);
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.close();
        }
    }

    private static void run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as("%s: %s", command[1], output).isZero();
    }

    private static ElasticsearchSinkConfig config(String... keyValues) {
        Map<String, String> props = new HashMap<>();
        props.put("connection.url", proxy.url());
        for (int i = 0; i < keyValues.length; i += 2) {
            props.put(keyValues[i], keyValues[i + 1]);
        }
        return new ElasticsearchSinkConfig(props);
    }

    private static void checkAccess(ElasticsearchSinkConfig config) throws Exception {
        try (RestClient rest = ElasticsearchClients.restClient(config)) {
            ElasticsearchClients.checkAccess(rest, config, "auth-it");
        }
    }

    /** A sink on a fresh topic, through the TLS proxy that requires writer:s3cret, trusting the proxy by its CA file. */
    private static void deployWithBasicAuthOverTls(String topic, String name) throws Exception {
        proxy.requireAuthorization(BASIC);
        freshTopic(connect, topic);
        Map<String, String> config = sinkConfig(topic, proxy.url());
        config.put("connection.username", "writer");
        config.put("connection.password", "s3cret");
        config.put("elastic.https.ssl.ca.file", caFile.toString());
        deploy(connect, name, config);
    }

    @Test
    void basicAuthOverTlsWithTheCaFileIndexesThroughTheConnector() throws Exception {
        String topic = "it-auth-basic";
        String name = "es-it-auth-basic";
        deployWithBasicAuthOverTls(topic, name);
        for (int i = 0; i < 3; i++) {
            connect.kafka()
                    .produce(topic, "k" + i, json(topic, ElasticsearchSinkIT.EVENT, ElasticsearchSinkIT.event(i)));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> count(topic) == 3);
        connect.deleteConnector(name);
    }

    @Test
    void wrongPasswordFailsTheTaskNamingTheSetting() throws Exception {
        String topic = "it-auth-wrong";
        String name = "es-it-auth-wrong";
        proxy.requireAuthorization(BASIC);
        connect.kafka().createTopic(topic, 1);
        Map<String, String> config = sinkConfig(topic, proxy.url());
        config.put("connection.username", "writer");
        config.put("connection.password", "not-the-password");
        config.put("elastic.https.ssl.ca.file", caFile.toString());
        connect.configureConnector(name, config);
        connect.assertions().assertConnectorIsRunningAndTasksHaveFailed(name, 1, "task fails on rejected credentials");
        assertThat(connect.connectorStatus(name).tasks().get(0).trace())
                .contains("connection.username/connection.password rejected by Elasticsearch at [" + proxy.url()
                        + "] (401 Unauthorized)")
                .doesNotContain("not-the-password");
        connect.deleteConnector(name);
    }

    @Test
    void credentialsRevokedWhileRunningFailTheTaskNamingTheSetting() throws Exception {
        String topic = "it-auth-revoked";
        String name = "es-it-auth-revoked";
        deployWithBasicAuthOverTls(topic, name);
        connect.kafka().produce(topic, "k0", json(topic, ElasticsearchSinkIT.EVENT, ElasticsearchSinkIT.event(0)));
        await().atMost(Duration.ofSeconds(60)).until(() -> count(topic) == 1);
        // the password is rotated on the cluster while the task runs: its next bulk request answers 401
        proxy.requireAuthorization(
                "Basic " + Base64.getEncoder().encodeToString("writer:rotated".getBytes(StandardCharsets.UTF_8)));
        try {
            connect.kafka().produce(topic, "k1", json(topic, ElasticsearchSinkIT.EVENT, ElasticsearchSinkIT.event(1)));
            connect.assertions()
                    .assertConnectorIsRunningAndTasksHaveFailed(name, 1, "task fails on a bulk answered 401");
            assertThat(connect.connectorStatus(name).tasks().get(0).trace())
                    .contains("connection.username/connection.password rejected by Elasticsearch at [" + proxy.url()
                            + "] (401 Unauthorized)")
                    .doesNotContain("s3cret");
        } finally {
            proxy.requireAuthorization(BASIC);
            connect.deleteConnector(name);
        }
    }

    @Test
    void apiKeyAndBearerTokenGoOutAsTheirAuthorizationHeaders() throws Exception {
        proxy.requireAuthorization("ApiKey a2V5LWlkOmtleS1zZWNyZXQ=");
        checkAccess(config(
                "connection.api.key", "a2V5LWlkOmtleS1zZWNyZXQ=", "elastic.https.ssl.ca.file", caFile.toString()));
        assertThatThrownBy(() -> checkAccess(
                        config("connection.api.key", "b3RoZXI6a2V5", "elastic.https.ssl.ca.file", caFile.toString())))
                .isInstanceOf(ConnectException.class)
                .hasMessageContaining("connection.api.key rejected by");

        proxy.requireAuthorization("Bearer dGhlLXRva2Vu");
        checkAccess(config("connection.bearer.token", "dGhlLXRva2Vu", "elastic.https.ssl.ca.file", caFile.toString()));
        assertThatThrownBy(() -> checkAccess(config("elastic.https.ssl.ca.file", caFile.toString())))
                .isInstanceOf(ConnectException.class)
                .hasMessageContaining("requires authentication (401); set connection.username");
        List<String> seen = proxy.authorizations();
        assertThat(seen).contains("ApiKey a2V5LWlkOmtleS1zZWNyZXQ=", "Bearer dGhlLXRva2Vu");
    }

    @Test
    void anUntrustedCertificateFailsNamingTheCaSettingAndTrustAllNeedsItsFlag() throws Exception {
        proxy.requireAuthorization(BASIC);
        assertThatThrownBy(() -> checkAccess(config("connection.username", "writer", "connection.password", "s3cret")))
                .isInstanceOf(ConnectException.class)
                .hasMessageContaining("TLS to Elasticsearch at [" + proxy.url() + "] failed")
                .hasMessageContaining("elastic.https.ssl.ca.file not set")
                .hasMessageContaining("set elastic.https.ssl.ca.file to the CA that signed its certificate");
        checkAccess(config(
                "connection.username",
                "writer",
                "connection.password",
                "s3cret",
                "elastic.https.ssl.trust.all",
                "true"));
    }
}
