package io.cxone.kafka.sink.elasticsearch.client;

import static io.cxone.kafka.sink.elasticsearch.ElasticsearchSinkConfig.CONNECTION_API_KEY;
import static io.cxone.kafka.sink.elasticsearch.ElasticsearchSinkConfig.CONNECTION_BEARER_TOKEN;
import static io.cxone.kafka.sink.elasticsearch.ElasticsearchSinkConfig.CONNECTION_PASSWORD;
import static io.cxone.kafka.sink.elasticsearch.ElasticsearchSinkConfig.CONNECTION_USERNAME;
import static io.cxone.kafka.sink.elasticsearch.ElasticsearchSinkConfig.SSL_CA_FILE;
import static io.cxone.kafka.sink.elasticsearch.ElasticsearchSinkConfig.SSL_TRUST_ALL;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.ElasticsearchTransportBase;
import co.elastic.clients.transport.http.TransportHttpClient;
import co.elastic.clients.transport.instrumentation.NoopInstrumentation;
import co.elastic.clients.transport.rest_client.RestClientHttpClient;
import io.cxone.kafka.sink.elasticsearch.ElasticsearchSinkConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.apache.http.Header;
import org.apache.http.HttpHost;
import org.apache.http.conn.ssl.NoopHostnameVerifier;
import org.apache.http.message.BasicHeader;
import org.apache.kafka.connect.errors.ConnectException;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.ResponseException;
import org.elasticsearch.client.RestClient;
import org.elasticsearch.client.RestClientBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the HTTP client to Elasticsearch: timeouts, one of basic / API key / bearer authentication (sent as a
 * default Authorization header, never logged), and TLS trusting the JVM's CAs, a PEM CA file, or (only with the
 * explicit trust-all flag) anything.
 */
public final class ElasticsearchClients {

    private static final Logger log = LoggerFactory.getLogger(ElasticsearchClients.class);

    private ElasticsearchClients() {}

    public static RestClient restClient(ElasticsearchSinkConfig config) {
        List<HttpHost> hosts = new ArrayList<>();
        for (URI url : config.connectionUrls()) {
            int port = url.getPort() != -1 ? url.getPort() : ("https".equals(url.getScheme()) ? 443 : 9200);
            hosts.add(new HttpHost(url.getHost(), port, url.getScheme()));
        }
        RestClientBuilder builder = RestClient.builder(hosts.toArray(HttpHost[]::new))
                .setRequestConfigCallback(rc -> rc.setConnectTimeout(config.connectionTimeoutMs())
                        .setSocketTimeout(config.readTimeoutMs())
                        .setConnectionRequestTimeout(config.readTimeoutMs()))
                .setDefaultHeaders(authHeaders(config));
        boolean https = hosts.stream().anyMatch(h -> "https".equals(h.getSchemeName()));
        int connections = Math.max(10, config.maxInFlightRequests() + 5);
        builder.setHttpClientConfigCallback(http -> {
            http.setMaxConnPerRoute(connections).setMaxConnTotal(connections * hosts.size());
            if (https) {
                http.setSSLContext(sslContext(config));
                if (config.trustAll()) {
                    http.setSSLHostnameVerifier(NoopHostnameVerifier.INSTANCE);
                }
            }
            return http;
        });
        return builder.build();
    }

    /** The API client over {@code rest}; request bodies (bulk above all) go out as one contiguous buffer. */
    public static ElasticsearchClient client(RestClient rest) {
        TransportHttpClient http = new ContiguousBodyHttpClient(new RestClientHttpClient(rest));
        // NoopInstrumentation: the plugin ships without OpenTelemetry, the client's default tracing would not load.
        return new ElasticsearchClient(
                new ElasticsearchTransportBase(http, null, new JacksonJsonpMapper(), NoopInstrumentation.INSTANCE) {});
    }

    /**
     * Asks Elasticsearch who we are once, so a wrong credential or an untrusted certificate fails the task at start
     * with the setting to fix, instead of as an endless retry later. An unreachable cluster passes: the writer keeps
     * retrying it. A 403 passes too: a writer-only API key may lack the monitor privilege {@code GET /} needs.
     */
    public static void checkAccess(RestClient rest, ElasticsearchSinkConfig config, String connectorName) {
        try {
            rest.performRequest(new Request("GET", "/"));
        } catch (ResponseException e) {
            int status = e.getResponse().getStatusLine().getStatusCode();
            if (status == 401) {
                throw new ConnectException("connector " + connectorName + ": " + rejected(config, status));
            }
            log.debug("connector {}: GET / answered {}", connectorName, status);
        } catch (IOException e) {
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                if (cause instanceof SSLException) {
                    throw new ConnectException("connector " + connectorName + ": " + tlsFailure(config, cause), e);
                }
            }
            log.warn(
                    "connector {}: Elasticsearch at {} not reachable yet ({}); documents wait and are retried",
                    connectorName,
                    config.connectionUrls(),
                    e.toString());
        }
    }

    /** What to say when Elasticsearch answers 401 or 403: which setting's credentials it refused. */
    public static String rejected(ElasticsearchSinkConfig config, int status) {
        String where = "Elasticsearch at " + config.connectionUrls();
        String setting = authSetting(config);
        if (setting == null) {
            return where + " requires authentication (" + status + "); set " + CONNECTION_USERNAME + "/"
                    + CONNECTION_PASSWORD + ", " + CONNECTION_API_KEY + " or " + CONNECTION_BEARER_TOKEN;
        }
        return status == 401
                ? setting + " rejected by " + where + " (401 Unauthorized)"
                : "the credentials of " + setting + " lack a privilege this request needs at " + where
                        + " (403 Forbidden)";
    }

    private static String authSetting(ElasticsearchSinkConfig config) {
        if (config.apiKey().isPresent()) {
            return CONNECTION_API_KEY;
        }
        if (config.bearerToken().isPresent()) {
            return CONNECTION_BEARER_TOKEN;
        }
        return config.username().isPresent() ? CONNECTION_USERNAME + "/" + CONNECTION_PASSWORD : null;
    }

    private static String tlsFailure(ElasticsearchSinkConfig config, Throwable cause) {
        String trusted = config.trustAll()
                ? SSL_TRUST_ALL + "=true"
                : config.caFile()
                        .map(f -> "the CA in " + SSL_CA_FILE + "=" + f)
                        .orElse("the JVM's default CAs (" + SSL_CA_FILE + " not set)");
        return "TLS to Elasticsearch at " + config.connectionUrls() + " failed, trusting " + trusted + ": "
                + cause.getMessage() + "; set " + SSL_CA_FILE + " to the CA that signed its certificate";
    }

    static Header[] authHeaders(ElasticsearchSinkConfig config) {
        if (config.apiKey().isPresent()) {
            return new Header[] {
                new BasicHeader(
                        "Authorization", "ApiKey " + config.apiKey().get().value())
            };
        }
        if (config.bearerToken().isPresent()) {
            return new Header[] {
                new BasicHeader(
                        "Authorization", "Bearer " + config.bearerToken().get().value())
            };
        }
        if (config.username().isPresent()) {
            String pair = config.username().get() + ":"
                    + config.password().map(p -> p.value()).orElse("");
            return new Header[] {
                new BasicHeader(
                        "Authorization",
                        "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)))
            };
        }
        return new Header[0];
    }

    static SSLContext sslContext(ElasticsearchSinkConfig config) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            if (config.trustAll()) {
                context.init(null, new TrustManager[] {new TrustAll()}, null);
            } else if (config.caFile().isPresent()) {
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(trustStore(config.caFile().get()));
                context.init(null, tmf.getTrustManagers(), null);
            } else {
                return SSLContext.getDefault();
            }
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new ConnectException("cannot set up TLS to Elasticsearch: " + e.getMessage(), e);
        }
    }

    /** A trust store of every certificate in a PEM file. */
    public static KeyStore trustStore(Path pemFile) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        try (InputStream in = Files.newInputStream(pemFile)) {
            int i = 0;
            for (Certificate cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("ca-" + i++, cert);
            }
            if (i == 0) {
                throw new GeneralSecurityException("no certificate in " + pemFile);
            }
        }
        return store;
    }

    private static final class TrustAll implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
