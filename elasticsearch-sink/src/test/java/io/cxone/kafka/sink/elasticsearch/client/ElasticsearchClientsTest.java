package io.cxone.kafka.sink.elasticsearch.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cxone.kafka.sink.elasticsearch.ElasticsearchSinkConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.http.Header;
import org.apache.kafka.connect.errors.ConnectException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ElasticsearchClientsTest {

    private static ElasticsearchSinkConfig config(String... keyValues) {
        Map<String, String> props = new HashMap<>();
        props.put("connection.url", "https://es.example:9243");
        for (int i = 0; i < keyValues.length; i += 2) {
            props.put(keyValues[i], keyValues[i + 1]);
        }
        return new ElasticsearchSinkConfig(props);
    }

    private static String authorization(ElasticsearchSinkConfig config) {
        Header[] headers = ElasticsearchClients.authHeaders(config);
        return headers.length == 0 ? null : headers[0].getName() + ": " + headers[0].getValue();
    }

    @Test
    void eachAuthenticationMethodSendsItsAuthorizationHeader() {
        assertThat(authorization(config())).isNull();
        assertThat(authorization(config("connection.username", "elastic", "connection.password", "changeme")))
                .isEqualTo("Authorization: Basic ZWxhc3RpYzpjaGFuZ2VtZQ==");
        assertThat(authorization(
                        config("connection.api.key", "VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw==")))
                .isEqualTo("Authorization: ApiKey VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw==");
        assertThat(authorization(config("connection.bearer.token", "AAEAAWVsYXN0aWM")))
                .isEqualTo("Authorization: Bearer AAEAAWVsYXN0aWM");
    }

    @Test
    void secretsNeverShowInTheConfigsTextForm() {
        ElasticsearchSinkConfig config =
                config("connection.api.key", "top-secret-key", "connection.bearer.token", "top-secret-token");
        assertThat(config.toString()).doesNotContain("top-secret");
        assertThat(config.values().toString()).doesNotContain("top-secret");
    }

    @Test
    void caFileWithoutCertificatesIsRefusedAndTrustAllBuildsAContext(@TempDir Path dir) throws Exception {
        Path empty = dir.resolve("ca.pem");
        Files.writeString(empty, "not a certificate\n");
        assertThatThrownBy(() -> ElasticsearchClients.sslContext(config("elastic.https.ssl.ca.file", empty.toString())))
                .isInstanceOf(ConnectException.class)
                .hasMessageContaining("TLS");

        assertThat(ElasticsearchClients.sslContext(config("elastic.https.ssl.trust.all", "true"))
                        .getProtocol())
                .isEqualTo("TLS");
        ElasticsearchClients.restClient(config("elastic.https.ssl.trust.all", "true"))
                .close();
    }

    @Test
    void requestBodiesAreJoinedIntoOneBufferInOrder() {
        java.util.List<java.nio.ByteBuffer> parts = java.util.List.of(
                java.nio.ByteBuffer.wrap("{\"index\":{}}\n".getBytes()),
                java.nio.ByteBuffer.wrap("{\"a\":1}".getBytes()),
                java.nio.ByteBuffer.wrap("\n".getBytes()));
        var request = new co.elastic.clients.transport.http.TransportHttpClient.Request(
                "POST", "/_bulk", Map.of("filter_path", "errors"), Map.of(), parts);
        var joined = ContiguousBodyHttpClient.contiguous(request);
        assertThat(joined.body()).hasSize(1);
        java.nio.ByteBuffer body = joined.body().iterator().next();
        assertThat(new String(body.array(), 0, body.remaining())).isEqualTo("{\"index\":{}}\n{\"a\":1}\n");
        assertThat(joined.queryParams()).containsEntry("filter_path", "errors");
        assertThat(parts.get(0).remaining())
                .as("the original buffers are left as they were")
                .isEqualTo(13);
    }
}
