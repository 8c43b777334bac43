package io.cxone.kafka.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.stream.Collectors;

/** A plain HTTP client for the tests: what a connector would send, with no retry or parsing hidden inside. */
final class SimClient {
    static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final CxoneSimulator simulator;

    SimClient(CxoneSimulator simulator) {
        this.simulator = simulator;
    }

    HttpResponse<String> get(String pathOrUrl, String bearer) {
        HttpRequest.Builder request = request(pathOrUrl, bearer).GET();
        return send(request, HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<byte[]> getBytes(String pathOrUrl) throws IOException {
        try {
            return http.send(request(pathOrUrl, null).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpResponse<String> postJson(String path, String bearer, String json) {
        HttpRequest.Builder request = request(path, bearer)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        return send(request, HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> delete(String path) {
        return send(request(path, null).DELETE(), HttpResponse.BodyHandlers.ofString());
    }

    /** Form POST; {@code basic} is "user:password" for HTTP Basic client auth, or null. */
    HttpResponse<String> postForm(String path, Map<String, String> form, String basic) {
        String body = form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpRequest.Builder request = request(path, null)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (basic != null) {
            request.header(
                    "Authorization",
                    "Basic " + Base64.getEncoder().encodeToString(basic.getBytes(StandardCharsets.UTF_8)));
        }
        return send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** A seed (client_credentials) access token. */
    String seedToken() {
        SimulatorOptions o = simulator.options();
        HttpResponse<String> response = postForm(
                "/api/v2/oauth/token",
                Map.of(
                        "grant_type",
                        "client_credentials",
                        "client_id",
                        o.clientId(),
                        "client_secret",
                        o.clientSecret()),
                null);
        return json(response).get("access_token").asText();
    }

    /** A real-CXone (password grant) access token. */
    String passwordToken() {
        SimulatorOptions o = simulator.options();
        HttpResponse<String> response = postForm(
                "/auth/token",
                Map.of("grant_type", "password", "username", o.accessKeyId(), "password", o.accessKeySecret()),
                o.clientId() + ":" + o.clientSecret());
        return json(response).get("access_token").asText();
    }

    /** Creates a seed export of {@code reportId}; returns its id. */
    String createExport(String token, String reportId) {
        HttpResponse<String> response = postJson(
                "/api/v2/data-actions/exports", token, "{\"report_id\":\"" + reportId + "\",\"format\":\"json\"}");
        if (response.statusCode() != 201) {
            throw new AssertionError("export not created: " + response.statusCode() + " " + response.body());
        }
        return json(response).get("id").asText();
    }

    HttpResponse<String> records(String token, String exportId, int limit, long offset) {
        return get("/api/v2/data-actions/exports/" + exportId + "/records?limit=" + limit + "&offset=" + offset, token);
    }

    HttpResponse<String> createJob(String token, String entity, String start, String end) {
        return postJson(
                "/data-extraction/v1/jobs",
                token,
                "{\"entityName\":\"" + entity + "\",\"version\":\"7\"," + "\"startDate\":\"" + start
                        + "\",\"endDate\":\"" + end + "\"}");
    }

    HttpResponse<String> jobStatus(String token, String jobId) {
        return get("/data-extraction/v1/jobs/" + jobId, token);
    }

    HttpResponse<String> armFaults(String json) {
        return postJson("/_sim/faults", null, json);
    }

    static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON (" + response.statusCode() + "): " + response.body(), e);
        }
    }

    private HttpRequest.Builder request(String pathOrUrl, String bearer) {
        URI uri = URI.create(pathOrUrl.startsWith("http") ? pathOrUrl : simulator.baseUrl() + pathOrUrl);
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10));
        if (bearer != null) {
            builder.header("Authorization", "Bearer " + bearer);
        }
        return builder;
    }

    private <T> HttpResponse<T> send(HttpRequest.Builder request, HttpResponse.BodyHandler<T> handler) {
        try {
            return http.send(request.build(), handler);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
