package io.cxone.kafka.simulator.http;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A request the simulator answers with an error status. The body is always
 * {@code {"error": code, "error_description": text, "field": name?}}, the OAuth 2.0 error shape, so one client-side
 * parser reads every error the simulator produces.
 */
public class ApiException extends RuntimeException {
    private final int status;
    private final String error;
    private final String field;
    private final Map<String, String> headers = new LinkedHashMap<>();

    public ApiException(int status, String error, String description) {
        this(status, error, description, null);
    }

    public ApiException(int status, String error, String description, String field) {
        super(description);
        this.status = status;
        this.error = error;
        this.field = field;
    }

    /** 400 for a bad request field; the description must say what is wrong and what is accepted. */
    public static ApiException badField(String field, String description) {
        return new ApiException(400, "invalid_request", description, field);
    }

    public static ApiException notFound(String description) {
        return new ApiException(404, "not_found", description);
    }

    public ApiException withHeader(String name, String value) {
        headers.put(name, value);
        return this;
    }

    public int status() {
        return status;
    }

    public SimResponse toResponse() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("error_description", getMessage());
        if (field != null) {
            body.put("field", field);
        }
        SimResponse response = SimResponse.json(status, body);
        headers.forEach(response::header);
        return response;
    }
}
