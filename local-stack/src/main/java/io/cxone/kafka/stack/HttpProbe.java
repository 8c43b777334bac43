package io.cxone.kafka.stack;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Small HTTP calls the launcher makes: readiness probes, registry export/import, connector deployment. */
public final class HttpProbe {

    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(2))
            .version(HttpClient.Version.HTTP_1_1)
            .build();

    private HttpProbe() {}

    /** True when GET {@code url} answers 2xx within two seconds. */
    public static boolean isOk(String url) {
        try {
            return get(url).statusCode() / 100 == 2;
        } catch (IOException e) {
            return false;
        }
    }

    public static HttpResponse<String> get(String url) throws IOException {
        return send(HttpRequest.newBuilder(URI.create(url))
                .GET()
                .timeout(Duration.ofSeconds(5))
                .build());
    }

    public static HttpResponse<String> put(String url, String json) throws IOException {
        return send(HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json))
                .build());
    }

    private static HttpResponse<String> send(HttpRequest request) throws IOException {
        try {
            return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + request.uri(), e);
        }
    }
}
