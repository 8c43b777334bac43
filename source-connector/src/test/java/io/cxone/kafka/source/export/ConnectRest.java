package io.cxone.kafka.source.export;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Requests to a Connect worker's REST API as an operator sends them with curl. */
final class ConnectRest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private ConnectRest() {}

    /** Sends {@code json} (or no body) and returns the answer's JSON; a status of 300 or more fails, naming both. */
    static JsonNode send(String method, String url, String json) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json")
                .method(
                        method,
                        json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json))
                .build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 300) {
            throw new IllegalStateException(
                    method + " " + url + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body().isBlank() ? CxoneHttp.JSON.createObjectNode() : CxoneHttp.JSON.readTree(response.body());
    }
}
