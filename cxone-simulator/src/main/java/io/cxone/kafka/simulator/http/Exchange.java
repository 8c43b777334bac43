package io.cxone.kafka.simulator.http;

import io.cxone.kafka.simulator.fault.FaultPlan;
import io.cxone.kafka.simulator.fault.FaultSpec;
import io.cxone.kafka.simulator.fault.FaultType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

/**
 * One request as an endpoint sees it: path variables, query and form parameters, the body, and the faults it may
 * take. Faults taken here are remembered so the request log can say which ones shaped the response.
 */
public final class Exchange {
    private final Request request;
    private final Endpoint endpoint;
    private final Map<String, String> pathVariables;
    private final FaultPlan faults;
    private final List<String> appliedFaults = new ArrayList<>();
    private String body;

    public Exchange(Request request, Endpoint endpoint, Map<String, String> pathVariables, FaultPlan faults) {
        this.request = request;
        this.endpoint = endpoint;
        this.pathVariables = pathVariables;
        this.faults = faults;
    }

    public Endpoint endpoint() {
        return endpoint;
    }

    public String method() {
        return request.getMethod();
    }

    public String pathVariable(String name) {
        return pathVariables.get(name);
    }

    public String header(String name) {
        return request.getHeaders().get(name);
    }

    public String body() {
        if (body == null) {
            try {
                body = Content.Source.asString(request, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("reading request body", e);
            }
        }
        return body;
    }

    /** The first value of a query parameter, or null. */
    public String query(String name) {
        return parseForm(request.getHttpURI().getQuery()).get(name);
    }

    /** Form fields of an {@code application/x-www-form-urlencoded} body; another content type is a 400. */
    public Map<String, String> formFields() {
        String contentType = header("Content-Type");
        if (contentType == null || !contentType.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
            throw new ApiException(
                    400,
                    "invalid_request",
                    "Content-Type must be application/x-www-form-urlencoded, got " + contentType,
                    "Content-Type");
        }
        return parseForm(body());
    }

    /** Takes the first live fault of {@code type} for this endpoint, if any. */
    public Optional<FaultSpec> takeFault(FaultType type) {
        return takeFault(type, spec -> true);
    }

    public Optional<FaultSpec> takeFault(FaultType type, Predicate<FaultSpec> applicable) {
        Optional<FaultSpec> fault = faults.take(endpoint, type, applicable);
        fault.ifPresent(spec -> appliedFaults.add(type.wireName()));
        return fault;
    }

    /** A fault that shapes the response without being used up (e.g. unlimited drift). */
    public Optional<FaultSpec> peekFault(FaultType type) {
        return faults.peek(endpoint, type);
    }

    public void noteFault(FaultType type) {
        appliedFaults.add(type.wireName());
    }

    public List<String> appliedFaults() {
        return appliedFaults;
    }

    static Map<String, String> parseForm(String encoded) {
        Map<String, String> fields = new LinkedHashMap<>();
        if (encoded == null || encoded.isEmpty()) {
            return fields;
        }
        for (String pair : encoded.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            fields.putIfAbsent(name, value);
        }
        return fields;
    }
}
