package io.cxone.kafka.source.webhook;

import static io.cxone.kafka.source.webhook.WebhookTestSupport.datum;
import static io.cxone.kafka.source.webhook.WebhookTestSupport.decode;
import static io.cxone.kafka.source.webhook.WebhookTestSupport.event;
import static io.cxone.kafka.source.webhook.WebhookTestSupport.post;
import static io.cxone.kafka.source.webhook.WebhookTestSupport.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cxone.kafka.testkit.TestServices;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each auth mode: missing credentials 401, wrong ones 403, right ones 200; only the 200'd events are in the topic. */
class WebhookAuthIT {

    @Test
    void basicAuth() throws Exception {
        WebhookTestSupport.Webhook webhook = WebhookTestSupport.start(
                "wh-auth-basic",
                Map.of(
                        WebhookConfig.AUTH_MODE, "basic",
                        WebhookConfig.AUTH_BASIC_USERNAME, "cxone",
                        WebhookConfig.AUTH_BASIC_PASSWORD, "s3cret-pass"));
        byte[] body = datum(event("basic-ok", "A"));
        assertThat(post(webhook.url(), "application/avro", body).statusCode()).isEqualTo(401);
        assertThat(post(webhook.url(), "application/avro", body, "Authorization", "Bearer s3cret-pass")
                        .statusCode())
                .isEqualTo(401);
        assertThat(post(webhook.url(), "application/avro", body, "Authorization", basic("cxone", "wrong"))
                        .statusCode())
                .isEqualTo(403);
        HttpResponse<String> ok =
                post(webhook.url(), "application/avro", body, "Authorization", basic("cxone", "s3cret-pass"));
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertOnly(webhook, "basic-ok");
        TestServices.connect().deleteConnector(webhook.name());
    }

    @Test
    void bearerAuth() throws Exception {
        WebhookTestSupport.Webhook webhook = WebhookTestSupport.start(
                "wh-auth-bearer",
                Map.of(
                        WebhookConfig.AUTH_MODE, "bearer",
                        WebhookConfig.AUTH_BEARER_TOKEN, "token-0123456789"));
        byte[] body = datum(event("bearer-ok", "A"));
        HttpResponse<String> missing = post(webhook.url(), "application/avro", body);
        assertThat(missing.statusCode()).isEqualTo(401);
        assertThat(missing.headers().firstValue("WWW-Authenticate"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        assertThat(missing.body()).doesNotContain("token-0123456789");
        assertThat(post(webhook.url(), "application/avro", body, "Authorization", "Bearer token-999")
                        .statusCode())
                .isEqualTo(403);
        assertThat(post(webhook.url(), "application/avro", body, "Authorization", "Bearer token-0123456789")
                        .statusCode())
                .isEqualTo(200);
        assertOnly(webhook, "bearer-ok");
        TestServices.connect().deleteConnector(webhook.name());
    }

    @Test
    void hmacSignatureOverTimestampAndBody() throws Exception {
        String secret = "hmac-secret-0123456789";
        WebhookTestSupport.Webhook webhook = WebhookTestSupport.start(
                "wh-auth-hmac",
                Map.of(
                        WebhookConfig.AUTH_MODE, "hmac-sha256",
                        WebhookConfig.AUTH_HMAC_SECRET, secret,
                        WebhookConfig.AUTH_HMAC_TOLERANCE_SECONDS, "60"));
        byte[] body = "{\"event_id\":\"hmac-ok\",\"timestamp\":1,\"action_type\":\"A\",\"metadata\":{}}"
                .getBytes(StandardCharsets.UTF_8);
        String now = Long.toString(Instant.now().getEpochSecond());
        String stale = Long.toString(Instant.now().minusSeconds(600).getEpochSecond());

        assertThat(post(webhook.url(), "application/json", body).statusCode()).isEqualTo(401);
        assertThat(post(webhook.url(), "application/json", body, "X-Cxone-Timestamp", now)
                        .statusCode())
                .isEqualTo(401);
        // signed with the wrong secret, over another body, or too long ago (a replay)
        assertThat(post(
                                webhook.url(),
                                "application/json",
                                body,
                                "X-Cxone-Timestamp",
                                now,
                                "X-Cxone-Signature",
                                RequestAuthenticator.signature("other-secret-0123456789", now, body))
                        .statusCode())
                .isEqualTo(403);
        byte[] tampered = new String(body, StandardCharsets.UTF_8)
                .replace("hmac-ok", "hmac-evil")
                .getBytes(StandardCharsets.UTF_8);
        assertThat(post(
                                webhook.url(),
                                "application/json",
                                tampered,
                                "X-Cxone-Timestamp",
                                now,
                                "X-Cxone-Signature",
                                RequestAuthenticator.signature(secret, now, body))
                        .statusCode())
                .isEqualTo(403);
        assertThat(post(
                                webhook.url(),
                                "application/json",
                                body,
                                "X-Cxone-Timestamp",
                                stale,
                                "X-Cxone-Signature",
                                RequestAuthenticator.signature(secret, stale, body))
                        .statusCode())
                .isEqualTo(403);

        HttpResponse<String> ok = post(
                webhook.url(),
                "application/json",
                body,
                "X-Cxone-Timestamp",
                now,
                "X-Cxone-Signature",
                "sha256=" + RequestAuthenticator.signature(secret, now, body));
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertOnly(webhook, "hmac-ok");
        TestServices.connect().deleteConnector(webhook.name());
    }

    @Test
    void tlsListenerFromKeystore(@TempDir Path dir) throws Exception {
        Path keystore = dir.resolve("webhook.p12");
        String password = "changeit-123";
        Process keytool = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "keytool")
                                .toString(),
                        "-genkeypair",
                        "-alias",
                        "webhook",
                        "-keyalg",
                        "RSA",
                        "-keysize",
                        "2048",
                        "-validity",
                        "2",
                        "-dname",
                        "CN=127.0.0.1",
                        "-ext",
                        "SAN=ip:127.0.0.1",
                        "-storetype",
                        "PKCS12",
                        "-keystore",
                        keystore.toString(),
                        "-storepass",
                        password,
                        "-keypass",
                        password)
                .redirectErrorStream(true)
                .start();
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue())
                .as(new String(keytool.getInputStream().readAllBytes()))
                .isZero();

        WebhookTestSupport.Webhook webhook = WebhookTestSupport.start(
                "wh-tls",
                Map.of(
                        WebhookConfig.TLS_KEYSTORE_PATH,
                        keystore.toString(),
                        WebhookConfig.TLS_KEYSTORE_PASSWORD,
                        password,
                        WebhookConfig.AUTH_MODE,
                        "bearer",
                        WebhookConfig.AUTH_BEARER_TOKEN,
                        "tls-token-0123456789"));
        KeyStore trust = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            trust.load(in, password.toCharArray());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        HttpClient client = HttpClient.newBuilder()
                .sslContext(ssl)
                .connectTimeout(Duration.ofSeconds(5))
                .build();

        await().atMost(Duration.ofSeconds(30))
                .ignoreException(ConnectException.class)
                .until(() -> client.send(
                                        HttpRequest.newBuilder(URI.create(webhook.url()))
                                                .GET()
                                                .build(),
                                        HttpResponse.BodyHandlers.discarding())
                                .statusCode()
                        == 405);
        HttpResponse<String> ok = post(
                client,
                webhook.url(),
                "application/avro",
                datum(event("tls-ok", "A")),
                "Authorization",
                "Bearer tls-token-0123456789");
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertOnly(webhook, "tls-ok");
        TestServices.connect().deleteConnector(webhook.name());
    }

    private static void assertOnly(WebhookTestSupport.Webhook webhook, String eventId) throws Exception {
        List<ConsumerRecord<byte[], byte[]>> records = readAll(webhook.topic());
        assertThat(records).hasSize(1);
        assertThat(decode(records.get(0).value()).get("event_id").toString()).isEqualTo(eventId);
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}
