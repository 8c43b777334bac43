package io.cxone.kafka.simulator;

import static io.cxone.kafka.simulator.SimulatorHandler.Route;

import io.cxone.kafka.simulator.admin.AdminApi;
import io.cxone.kafka.simulator.auth.DiscoveryApi;
import io.cxone.kafka.simulator.auth.TokenService;
import io.cxone.kafka.simulator.data.DataSet;
import io.cxone.kafka.simulator.data.RowGenerator;
import io.cxone.kafka.simulator.extraction.DataExtractionApi;
import io.cxone.kafka.simulator.fault.FaultPlan;
import io.cxone.kafka.simulator.fault.FaultSpec;
import io.cxone.kafka.simulator.fault.RequestLog;
import io.cxone.kafka.simulator.http.Endpoint;
import io.cxone.kafka.simulator.http.SimResponse;
import io.cxone.kafka.simulator.records.RecordsApi;
import io.cxone.kafka.simulator.reporting.ReportingApi;
import io.cxone.kafka.simulator.reporting.ReportingEntity;
import io.cxone.kafka.simulator.reporting.ReportingTimeline;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running CXone simulator: a Jetty server on loopback serving the seed records API, real CXone OIDC auth and
 * discovery, and the Data Extraction API, with fault injection. Start one per test class with
 * {@code CxoneSimulator.start(options)}; {@link #close()} stops it.
 */
public final class CxoneSimulator implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CxoneSimulator.class);

    private final SimulatorOptions options;
    private final Server server;
    private final ServerConnector connector;
    private final FaultPlan faults = new FaultPlan();
    private final RequestLog requests = new RequestLog();
    private final AdminApi admin;
    private final RowGenerator rows;
    private final ReportingTimeline reportingTimeline;
    private final DataExtractionApi extraction;
    private volatile String baseUrl;

    private CxoneSimulator(SimulatorOptions options) {
        this.options = options;
        TokenService tokens = new TokenService(options, this::baseUrl);
        this.rows = new RowGenerator(options.seed(), options.rowShape());
        RecordsApi records = new RecordsApi(options, tokens, rows);
        this.extraction = new DataExtractionApi(options, tokens, rows, this::baseUrl);
        DiscoveryApi discovery = new DiscoveryApi(options, this::baseUrl);
        long startMs = options.clock().millis();
        this.reportingTimeline = new ReportingTimeline(
                options.seed(),
                startMs
                        - options.reporting().backlog()
                                * options.reporting().spacing().toMillis(),
                options.reporting().spacing().toMillis(),
                options.reporting().updateShare(),
                options.reporting().updateDelayMax().toMillis(),
                options.reporting().lag().toMillis());
        ReportingApi reporting = new ReportingApi(
                tokens,
                reportingTimeline,
                options.reporting().versions(),
                options.tenantId(),
                options.reporting().callInterval(),
                options.clock(),
                this::baseUrl);
        this.admin = new AdminApi(faults, requests, tokens, options.rowShape(), records, extraction);

        List<Route> routes = List.of(
                Route.of("GET", "/health", null, exchange -> SimResponse.json(200, health())),
                Route.of("GET", "/_sim/faults", null, admin::getFaults),
                Route.of("POST", "/_sim/faults", null, admin::postFaults),
                Route.of("DELETE", "/_sim/faults", null, admin::deleteFaults),
                Route.of("GET", "/_sim/requests", null, admin::getRequests),
                Route.of("DELETE", "/_sim/requests", null, admin::deleteRequests),
                Route.of("POST", "/api/v2/oauth/token", Endpoint.TOKEN, tokens::token),
                Route.of("POST", "/auth/token", Endpoint.TOKEN, tokens::token),
                Route.of(
                        "GET",
                        "/.well-known/openid-configuration",
                        Endpoint.OPENID_CONFIGURATION,
                        discovery::openidConfiguration),
                Route.of(
                        "GET",
                        "/.well-known/cxone-configuration",
                        Endpoint.CXONE_CONFIGURATION,
                        discovery::cxoneConfiguration),
                Route.of("POST", "/api/v2/data-actions/exports", Endpoint.EXPORT_CREATE, records::createExport),
                Route.of("GET", "/api/v2/data-actions/exports/{id}/records", Endpoint.EXPORT_RECORDS, records::records),
                Route.of("POST", "/data-extraction/v1/jobs", Endpoint.JOB_CREATE, extraction::createJob),
                Route.of("GET", "/data-extraction/v1/jobs/{jobId}", Endpoint.JOB_STATUS, extraction::jobStatus),
                Route.of("GET", "/files/{file}", Endpoint.DOWNLOAD, extraction::download),
                Route.of(
                        "GET",
                        "/incontactapi/services/{version}/{group}/{name}",
                        Endpoint.REPORTING,
                        exchange -> reporting.get(
                                exchange,
                                exchange.pathVariable("version"),
                                exchange.pathVariable("group") + "/" + exchange.pathVariable("name"))));

        QueuedThreadPool threads = new QueuedThreadPool(64, 4);
        threads.setName("cxone-simulator");
        this.server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        this.connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        connector.setHost(options.host());
        connector.setPort(options.port());
        server.addConnector(connector);
        server.setHandler(new SimulatorHandler(routes, faults, requests));
        // No graceful drain: a stopped simulator should free its port at once (tests start and stop many).
        server.setStopTimeout(0);
    }

    /** Starts a simulator; port 0 in the options picks a free port. */
    public static CxoneSimulator start(SimulatorOptions options) {
        CxoneSimulator simulator = new CxoneSimulator(options);
        try {
            simulator.server.start();
        } catch (Exception e) {
            try {
                simulator.server.stop();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new IllegalStateException(
                    "CXone simulator could not listen on " + options.host() + ":" + options.port() + ": "
                            + e.getMessage(),
                    e);
        }
        simulator.baseUrl = "http://" + options.host() + ":" + simulator.connector.getLocalPort();
        options.faults().forEach(simulator::arm);
        log.info("CXone simulator listening on {} ({})", simulator.baseUrl, options);
        return simulator;
    }

    public static CxoneSimulator start() {
        return start(SimulatorOptions.defaults());
    }

    public int port() {
        return connector.getLocalPort();
    }

    /** {@code http://127.0.0.1:<port>}: base URL of the seed API, OIDC issuer, and tenant {@code api_endpoint}. */
    public String baseUrl() {
        return baseUrl;
    }

    public SimulatorOptions options() {
        return options;
    }

    /** Arms a fault (or runs the expire-tokens / forget-jobs action), exactly like {@code POST /_sim/faults}. */
    public Map<String, Object> arm(FaultSpec fault) {
        return admin.arm(fault);
    }

    /** Clears every armed fault, like {@code DELETE /_sim/faults}. */
    public int clearFaults() {
        return faults.clear();
    }

    public List<FaultPlan.ArmedFault> armedFaults() {
        return faults.armed();
    }

    /** Counters and recent requests per endpoint, like {@code GET /_sim/requests}. */
    public RequestLog requests() {
        return requests;
    }

    /** The Data Extraction throttle's counters (calls, 429s), like {@code dataExtractionThrottle} in {@code GET /_sim/requests}. */
    public Map<String, Object> extractionThrottleStats() {
        return extraction.throttle().stats();
    }

    /**
     * The rows the seed API serves for {@code reportId} (no faults applied), in order: what a test expects to
     * find in Kafka after a complete export.
     */
    public List<Map<String, Object>> expectedReportRows(String reportId) {
        DataSet dataSet = DataSet.report(reportId, options.rowCount());
        return rows.rows(dataSet, 0, Math.toIntExact(dataSet.rowCount()), 0, null);
    }

    /**
     * The rows of the Data Extraction file for an entity and window {@code [startDate, endDate)} (no faults
     * applied), in file order. CSV carries them as text: {@code String.valueOf(value)} is the cell.
     */
    public List<Map<String, Object>> expectedWindowRows(
            String entityName, String version, LocalDate startDate, LocalDate endDate) {
        DataSet dataSet = DataSet.window(
                entityName,
                version,
                startDate.atStartOfDay(ZoneOffset.UTC).toInstant(),
                endDate.atStartOfDay(ZoneOffset.UTC).toInstant(),
                options.rowCount());
        return rows.rows(dataSet, 0, Math.toIntExact(dataSet.rowCount()), 0, null);
    }

    /**
     * Every version of the Reporting API rows of {@code entity} whose window date is in {@code [from, to)} and that is
     * visible at {@code asOf}: a complete incremental sync up to {@code asOf} has delivered each row's newest version
     * ({@code version == 1}, or 0 when there is no 1) and may have delivered the older one.
     */
    public List<ReportingTimeline.Version> reportingVersions(
            ReportingEntity entity, Instant from, Instant to, Instant asOf) {
        return reportingTimeline.versions(entity, from.toEpochMilli(), to.toEpochMilli(), asOf.toEpochMilli());
    }

    /** The row as the Reporting API serves that version of it. */
    public Map<String, Object> reportingRow(ReportingTimeline.Version version) {
        return reportingTimeline.row(version);
    }

    private Map<String, Object> health() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "UP");
        body.put("service", "cxone-simulator");
        body.put("baseUrl", baseUrl);
        body.put("armedFaults", faults.armed().size());
        return body;
    }

    @Override
    public void close() {
        try {
            server.stop();
            log.info("CXone simulator on {} stopped", baseUrl);
        } catch (Exception e) {
            throw new IllegalStateException("stopping the CXone simulator on " + baseUrl, e);
        }
    }
}
