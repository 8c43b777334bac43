package io.cxone.kafka.simulator.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxone.kafka.simulator.auth.TokenService;
import io.cxone.kafka.simulator.data.FieldSpec;
import io.cxone.kafka.simulator.extraction.DataExtractionApi;
import io.cxone.kafka.simulator.fault.FaultPlan;
import io.cxone.kafka.simulator.fault.FaultSpec;
import io.cxone.kafka.simulator.fault.FaultType;
import io.cxone.kafka.simulator.fault.RequestLog;
import io.cxone.kafka.simulator.http.Exchange;
import io.cxone.kafka.simulator.http.Json;
import io.cxone.kafka.simulator.http.SimResponse;
import io.cxone.kafka.simulator.records.RecordsApi;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test control over HTTP: arm and clear faults ({@code /_sim/faults}) and read or reset what clients did
 * ({@code /_sim/requests}). Not part of CXone; never subject to faults itself.
 */
public final class AdminApi {
    private final FaultPlan faults;
    private final RequestLog requests;
    private final TokenService tokens;
    private final List<FieldSpec> rowShape;
    private final RecordsApi records;
    private final DataExtractionApi extraction;

    public AdminApi(
            FaultPlan faults,
            RequestLog requests,
            TokenService tokens,
            List<FieldSpec> rowShape,
            RecordsApi records,
            DataExtractionApi extraction) {
        this.faults = faults;
        this.requests = requests;
        this.tokens = tokens;
        this.rowShape = rowShape;
        this.records = records;
        this.extraction = extraction;
    }

    /** Arms a fault, or runs it at once if it is an action ({@code expire-tokens}, {@code forget-jobs}); returns its JSON form. */
    public Map<String, Object> arm(FaultSpec spec) {
        // Specs built in Java skip the JSON checks; the round trip applies them (e.g. a drift field must exist).
        FaultSpec.fromJson(Json.MAPPER.valueToTree(spec.toJson()), rowShape);
        if (spec.type() == FaultType.EXPIRE_TOKENS) {
            int expired = tokens.expireAll();
            Map<String, Object> done = new LinkedHashMap<>(spec.toJson());
            done.put("expiredTokens", expired);
            return done;
        }
        if (spec.type() == FaultType.FORGET_JOBS) {
            Map<String, Object> done = new LinkedHashMap<>(spec.toJson());
            done.put("forgottenExports", records.forgetExports());
            done.put("forgottenJobs", extraction.forgetJobs());
            return done;
        }
        return faults.arm(spec).toJson();
    }

    /** Body: one fault object or an array of them; all are checked before any is armed. */
    public SimResponse postFaults(Exchange exchange) {
        JsonNode body = Json.parse(exchange.body());
        List<FaultSpec> specs = new ArrayList<>();
        if (body.isArray()) {
            body.forEach(node -> specs.add(FaultSpec.fromJson(node, rowShape)));
        } else {
            specs.add(FaultSpec.fromJson(body, rowShape));
        }
        List<Map<String, Object>> armed = specs.stream().map(this::arm).toList();
        return SimResponse.json(201, Map.of("faults", armed));
    }

    public SimResponse getFaults(Exchange exchange) {
        return SimResponse.json(
                200,
                Map.of(
                        "faults",
                        faults.armed().stream()
                                .map(FaultPlan.ArmedFault::toJson)
                                .toList()));
    }

    public SimResponse deleteFaults(Exchange exchange) {
        return SimResponse.json(200, Map.of("cleared", faults.clear()));
    }

    public SimResponse getRequests(Exchange exchange) {
        Map<String, Object> json = new LinkedHashMap<>(requests.toJson());
        json.put("dataExtractionThrottle", extraction.throttle().stats());
        return SimResponse.json(200, json);
    }

    public SimResponse deleteRequests(Exchange exchange) {
        requests.reset();
        extraction.throttle().resetStats();
        return SimResponse.json(200, Map.of("reset", true));
    }
}
