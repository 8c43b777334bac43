package io.cxone.kafka.simulator.fault;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxone.kafka.simulator.data.FieldSpec;
import io.cxone.kafka.simulator.data.FieldType;
import io.cxone.kafka.simulator.data.SchemaDrift;
import io.cxone.kafka.simulator.http.ApiException;
import io.cxone.kafka.simulator.http.Endpoint;
import io.cxone.kafka.simulator.http.Json;
import java.time.Duration;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One fault to inject: what happens ({@link FaultType}), where ({@code endpoint}, null = every endpoint the type
 * applies to) and how often ({@code times}, -1 = until cleared). Parameters that a type does not use are null.
 * The JSON form is what {@code POST /_sim/faults} accepts and {@code GET /_sim/faults} returns.
 */
public record FaultSpec(
        FaultType type,
        Endpoint endpoint,
        int times,
        Integer status,
        Long retryAfterSeconds,
        Long delayMs,
        SchemaDrift drift,
        Long intervalSeconds) {

    private static final Set<String> JSON_FIELDS = Set.of(
            "type",
            "endpoint",
            "times",
            "status",
            "retryAfterSeconds",
            "delayMs",
            "change",
            "field",
            "newType",
            "fromRow",
            "intervalSeconds");

    public FaultSpec {
        if (times == 0 || times < -1) {
            throw new IllegalArgumentException("times must be >= 1, or -1 for until cleared; got " + times);
        }
        if (endpoint != null && !type.appliesTo(endpoint)) {
            throw new IllegalArgumentException("fault " + type + " does not apply to endpoint " + endpoint
                    + "; it applies to " + type.endpoints());
        }
    }

    public static FaultSpec unauthorized(Endpoint endpoint, int times) {
        return new FaultSpec(FaultType.UNAUTHORIZED, endpoint, times, null, null, null, null, null);
    }

    public static FaultSpec expireTokens() {
        return new FaultSpec(FaultType.EXPIRE_TOKENS, null, 1, null, null, null, null, null);
    }

    public static FaultSpec forgetJobs() {
        return new FaultSpec(FaultType.FORGET_JOBS, null, 1, null, null, null, null, null);
    }

    public static FaultSpec jobNotFound(Endpoint endpoint, int times) {
        return new FaultSpec(FaultType.JOB_NOT_FOUND, endpoint, times, null, null, null, null, null);
    }

    public static FaultSpec rateLimit(Endpoint endpoint, long retryAfterSeconds, int times) {
        return new FaultSpec(FaultType.RATE_LIMIT, endpoint, times, null, retryAfterSeconds, null, null, null);
    }

    public static FaultSpec serverError(Endpoint endpoint, int status, int times) {
        if (status < 500 || status > 599) {
            throw new IllegalArgumentException("server-error status must be 500..599, got " + status);
        }
        return new FaultSpec(FaultType.SERVER_ERROR, endpoint, times, status, null, null, null, null);
    }

    public static FaultSpec delay(Endpoint endpoint, Duration delay, int times) {
        return new FaultSpec(FaultType.DELAY, endpoint, times, null, null, delay.toMillis(), null, null);
    }

    public static FaultSpec schemaDrift(SchemaDrift drift) {
        return new FaultSpec(FaultType.SCHEMA_DRIFT, null, -1, null, null, null, drift, null);
    }

    public static FaultSpec differentRows(Endpoint endpoint, int times) {
        return new FaultSpec(FaultType.DIFFERENT_ROWS, endpoint, times, null, null, null, null, null);
    }

    public static FaultSpec expiredUrl(int times) {
        return new FaultSpec(FaultType.EXPIRED_URL, Endpoint.DOWNLOAD, times, null, null, null, null, null);
    }

    public static FaultSpec truncatedBody(Endpoint endpoint, int times) {
        return new FaultSpec(FaultType.TRUNCATED_BODY, endpoint, times, null, null, null, null, null);
    }

    public static FaultSpec malformedBody(Endpoint endpoint, int times) {
        return new FaultSpec(FaultType.MALFORMED_BODY, endpoint, times, null, null, null, null, null);
    }

    public static FaultSpec throttle(Duration interval) {
        return new FaultSpec(FaultType.THROTTLE, null, -1, null, null, null, null, interval.toSeconds());
    }

    public static FaultSpec jobFailed(int times) {
        return new FaultSpec(FaultType.JOB_FAILED, Endpoint.JOB_CREATE, times, null, null, null, null, null);
    }

    public boolean matches(Endpoint target) {
        return endpoint == null ? type.appliesTo(target) : endpoint == target;
    }

    /**
     * Reads the JSON form, checking every field against the type and the run's row shape; a problem is a 400
     * naming the field.
     */
    public static FaultSpec fromJson(JsonNode node, List<FieldSpec> rowShape) {
        if (node == null || !node.isObject()) {
            throw ApiException.badField("body", "a fault must be a JSON object like {\"type\": \"rate-limit\"}");
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!JSON_FIELDS.contains(name)) {
                throw ApiException.badField(
                        name,
                        "unknown fault field '" + name + "'; known fields: "
                                + JSON_FIELDS.stream().sorted().collect(Collectors.joining(", ")));
            }
        }
        String typeName = Json.requiredText(node, "type");
        FaultType type = FaultType.fromWireName(typeName)
                .orElseThrow(() -> ApiException.badField(
                        "type", "unknown fault type '" + typeName + "'; use one of " + FaultType.allWireNames()));
        String endpointName = Json.optionalText(node, "endpoint", "any");
        Endpoint endpoint = null;
        if (!"any".equals(endpointName)) {
            endpoint = Endpoint.fromWireName(endpointName)
                    .orElseThrow(() -> ApiException.badField(
                            "endpoint",
                            "unknown endpoint '" + endpointName + "'; use any or one of "
                                    + Arrays.stream(Endpoint.values())
                                            .map(Endpoint::wireName)
                                            .collect(Collectors.joining(", "))));
            if (!type.appliesTo(endpoint)) {
                throw ApiException.badField(
                        "endpoint",
                        "fault " + type + " does not apply to endpoint " + endpoint + "; it applies to "
                                + type.endpoints());
            }
        }
        Long timesValue = Json.optionalLong(node, "times");
        int times = timesValue == null ? type.defaultTimes() : timesValue.intValue();
        if (timesValue != null && (timesValue == 0 || timesValue < -1 || timesValue > Integer.MAX_VALUE)) {
            throw ApiException.badField("times", "times must be >= 1, or -1 for until cleared; got " + timesValue);
        }

        Integer status = null;
        Long retryAfter = null;
        Long delayMs = null;
        SchemaDrift drift = null;
        Long interval = null;
        switch (type) {
            case RATE_LIMIT -> retryAfter = nonNegative(node, "retryAfterSeconds", 1L);
            case SERVER_ERROR -> {
                long value = nonNegative(node, "status", 503L);
                if (value < 500 || value > 599) {
                    throw ApiException.badField(
                            "status", "status of a server-error fault must be 500..599, got " + value);
                }
                status = (int) value;
            }
            case DELAY -> {
                delayMs = nonNegative(node, "delayMs", null);
                if (delayMs == null || delayMs == 0) {
                    throw ApiException.badField("delayMs", "a delay fault needs delayMs >= 1");
                }
            }
            case SCHEMA_DRIFT -> drift = driftFromJson(node, rowShape);
            case THROTTLE -> interval = nonNegative(node, "intervalSeconds", 30L);
            default -> {}
        }
        return new FaultSpec(type, endpoint, times, status, retryAfter, delayMs, drift, interval);
    }

    private static SchemaDrift driftFromJson(JsonNode node, List<FieldSpec> rowShape) {
        String changeName = Json.requiredText(node, "change");
        SchemaDrift.Change change = Arrays.stream(SchemaDrift.Change.values())
                .filter(c -> c.wireName().equals(changeName))
                .findFirst()
                .orElseThrow(() -> ApiException.badField(
                        "change", "change must be add, remove or retype, got '" + changeName + "'"));
        String field = Json.requiredText(node, "field");
        FieldSpec existing = rowShape.stream()
                .filter(f -> f.name().equals(field))
                .findFirst()
                .orElse(null);
        String shapeNames = rowShape.stream().map(FieldSpec::name).collect(Collectors.joining(", "));
        if (change == SchemaDrift.Change.ADD && existing != null) {
            throw ApiException.badField(
                    "field", "cannot add field '" + field + "': the row shape already has it (" + shapeNames + ")");
        }
        if (change != SchemaDrift.Change.ADD && existing == null) {
            throw ApiException.badField(
                    "field",
                    "cannot " + change.wireName() + " field '" + field + "': the row shape has only " + shapeNames);
        }
        FieldType newType = null;
        String newTypeName = Json.optionalText(node, "newType", null);
        if (newTypeName != null) {
            try {
                newType = FieldType.fromWireName("newType", newTypeName);
            } catch (IllegalArgumentException e) {
                throw ApiException.badField("newType", e.getMessage());
            }
        }
        if (change == SchemaDrift.Change.ADD && newType == null) {
            newType = FieldType.STRING;
        }
        if (change == SchemaDrift.Change.RETYPE) {
            if (newType == null) {
                throw ApiException.badField(
                        "newType", "a retype drift needs newType (" + FieldType.allWireNames() + ")");
            }
            if (newType == existing.type()) {
                throw ApiException.badField("newType", "field '" + field + "' already has type " + newType.wireName());
            }
        }
        Long fromRow = nonNegative(node, "fromRow", 0L);
        return new SchemaDrift(change, field, newType, fromRow);
    }

    private static Long nonNegative(JsonNode node, String field, Long defaultValue) {
        Long value = Json.optionalLong(node, field);
        if (value == null) {
            return defaultValue;
        }
        if (value < 0) {
            throw ApiException.badField(field, "field '" + field + "' must be >= 0, got " + value);
        }
        return value;
    }

    /** The JSON form (as accepted by {@link #fromJson}); absent parameters are left out. */
    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("type", type.wireName());
        json.put("endpoint", endpoint == null ? "any" : endpoint.wireName());
        json.put("times", times);
        putIfPresent(json, "status", status);
        putIfPresent(json, "retryAfterSeconds", retryAfterSeconds);
        putIfPresent(json, "delayMs", delayMs);
        if (drift != null) {
            json.put("change", drift.change().wireName());
            json.put("field", drift.field());
            putIfPresent(
                    json,
                    "newType",
                    drift.newType() == null ? null : drift.newType().wireName());
            json.put("fromRow", drift.fromRow());
        }
        putIfPresent(json, "intervalSeconds", intervalSeconds);
        return json;
    }

    private static void putIfPresent(Map<String, Object> json, String key, Object value) {
        if (value != null) {
            json.put(key, value);
        }
    }
}
