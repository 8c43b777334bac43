package io.cxone.kafka.sink.elasticsearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cxone.kafka.testkit.TestServices;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Reads what a user would see in the test Elasticsearch: document counts, documents, mappings. */
final class ElasticsearchQueries {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private ElasticsearchQueries() {}

    static JsonNode get(String path) {
        return call("GET", path, null);
    }

    static JsonNode call(String method, String path, String body) {
        try {
            HttpRequest request = HttpRequest.newBuilder(
                            URI.create(TestServices.elasticsearch().url() + path))
                    .timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json")
                    .method(
                            method,
                            body == null
                                    ? HttpRequest.BodyPublishers.noBody()
                                    : HttpRequest.BodyPublishers.ofString(body))
                    .build();
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            return response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Deletes indices left by an earlier run: the test Elasticsearch keeps its data directory between JVMs. */
    static void deleteIndices(String... indices) {
        for (String index : indices) {
            call("DELETE", "/" + index + "?ignore_unavailable=true", null);
        }
    }

    /** Documents in the index after a refresh; 0 when it does not exist yet. */
    static long count(String index) {
        call("POST", "/" + index + "/_refresh", null);
        return get("/" + index + "/_count").path("count").asLong(0);
    }

    /** Ids of the documents a query finds, after a refresh. */
    static List<String> ids(String index, String query) {
        call("POST", "/" + index + "/_refresh", null);
        List<String> ids = new ArrayList<>();
        call("POST", "/" + index + "/_search", "{\"size\":100,\"query\":" + query + "}")
                .path("hits")
                .path("hits")
                .forEach(hit -> ids.add(hit.path("_id").asText()));
        return ids;
    }

    static JsonNode source(String index, String id) {
        return get("/" + index + "/_doc/" + id).path("_source");
    }

    /** The type of a field in the index mapping, by its dotted path (Elasticsearch keeps each part as an object). */
    static String fieldType(String index, String path) {
        JsonNode field = null;
        JsonNode properties = properties(index);
        for (String part : path.split("\\.")) {
            field = properties.path(part);
            properties = field.path("properties");
        }
        return field.path("type").asText();
    }

    static JsonNode properties(String index) {
        JsonNode mapping = get("/" + index + "/_mapping");
        return mapping.path(index).path("mappings").path("properties");
    }
}
