package io.cxone.kafka.simulator.records;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxone.kafka.simulator.SimulatorOptions;
import io.cxone.kafka.simulator.auth.TokenService;
import io.cxone.kafka.simulator.data.DataSet;
import io.cxone.kafka.simulator.data.RowGenerator;
import io.cxone.kafka.simulator.data.SchemaDrift;
import io.cxone.kafka.simulator.fault.FaultSpec;
import io.cxone.kafka.simulator.fault.FaultType;
import io.cxone.kafka.simulator.http.ApiException;
import io.cxone.kafka.simulator.http.Exchange;
import io.cxone.kafka.simulator.http.Json;
import io.cxone.kafka.simulator.http.SimResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The seed tutorial's "records" API: trigger an export of a report, then page through it with limit/offset until an
 * empty array. Rows depend on the report id, not on the export id, so an export re-created after a restart serves
 * the same rows at the same offsets.
 */
public final class RecordsApi {
    public static final int MAX_LIMIT = 10_000;
    private static final Logger log = LoggerFactory.getLogger(RecordsApi.class);

    private final SimulatorOptions options;
    private final TokenService tokens;
    private final RowGenerator rows;
    private final Map<String, String> reportByExportId = new ConcurrentHashMap<>();
    /** Reads per (report, offset): the second read of a page is where "different rows" can strike. */
    private final Map<String, Integer> readsByPage = new ConcurrentHashMap<>();

    public RecordsApi(SimulatorOptions options, TokenService tokens, RowGenerator rows) {
        this.options = options;
        this.tokens = tokens;
        this.rows = rows;
    }

    public SimResponse createExport(Exchange exchange) {
        tokens.authenticate(exchange);
        JsonNode request = Json.parseObject(exchange.body());
        String reportId = Json.requiredText(request, "report_id");
        String format = Json.optionalText(request, "format", "json");
        if (!"json".equals(format)) {
            throw ApiException.badField("format", "format must be \"json\", got \"" + format + "\"");
        }
        String exportId = UUID.randomUUID().toString();
        reportByExportId.put(exportId, reportId);
        log.info("Export created: export_id={} report_id={} rows={}", exportId, reportId, options.rowCount());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", exportId);
        body.put("report_id", reportId);
        body.put("format", format);
        body.put("status", "ready");
        return SimResponse.json(201, body);
    }

    public SimResponse records(Exchange exchange) {
        tokens.authenticate(exchange);
        String exportId = exchange.pathVariable("id");
        String reportId = reportByExportId.get(exportId);
        if (reportId == null) {
            throw ApiException.notFound(
                    "export '" + exportId + "' does not exist; create one with POST /api/v2/data-actions/exports");
        }
        int limit = (int) intParam(exchange, "limit", null, 1, MAX_LIMIT);
        long offset = intParam(exchange, "offset", 0L, 0, Long.MAX_VALUE);

        DataSet dataSet = DataSet.report(reportId, options.rowCount());
        long end = Math.min(dataSet.rowCount(), offset + limit);
        int count = (int) Math.max(0, end - offset);

        int reads = readsByPage.merge(reportId + "@" + offset, 1, Integer::sum);
        int generation = 0;
        if (reads > 1
                && count > 0
                && exchange.takeFault(FaultType.DIFFERENT_ROWS).isPresent()) {
            generation = reads - 1;
            log.info(
                    "Fault different-rows: export_id={} offset={} read={} serves changed values",
                    exportId,
                    offset,
                    reads);
        }
        SchemaDrift drift = exchange.takeFault(
                        FaultType.SCHEMA_DRIFT, spec -> spec.drift().fromRow() < end)
                .map(FaultSpec::drift)
                .orElse(null);
        List<Map<String, Object>> page = rows.rows(dataSet, offset, count, generation, drift);
        log.debug("Records served: export_id={} offset={} rows={}", exportId, offset, page.size());
        return new SimResponse(200, SimResponse.JSON, Json.rowsBytes(page));
    }

    /** Forgets every export created so far (the {@code forget-jobs} action); returns how many there were. */
    public int forgetExports() {
        int count = reportByExportId.size();
        reportByExportId.clear();
        log.info("Exports forgotten: {}", count);
        return count;
    }

    private static long intParam(Exchange exchange, String name, Long defaultValue, long min, long max) {
        String raw = exchange.query(name);
        String range = min + ".." + (max == Long.MAX_VALUE ? "" : Long.toString(max));
        if (raw == null || raw.isEmpty()) {
            if (defaultValue == null) {
                throw ApiException.badField(name, "query parameter '" + name + "' is required (" + range + ")");
            }
            return defaultValue;
        }
        long value;
        try {
            value = Long.parseLong(raw);
        } catch (NumberFormatException e) {
            throw ApiException.badField(
                    name, "query parameter '" + name + "' must be an integer in " + range + ", got '" + raw + "'");
        }
        if (value < min || value > max) {
            throw ApiException.badField(name, "query parameter '" + name + "' must be in " + range + ", got " + value);
        }
        return value;
    }
}
