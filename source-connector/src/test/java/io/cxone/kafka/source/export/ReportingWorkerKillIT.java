package io.cxone.kafka.source.export;

import static org.awaitility.Awaitility.await;

import io.cxone.kafka.simulator.CxoneSimulator;
import io.cxone.kafka.simulator.fault.FaultSpec;
import io.cxone.kafka.simulator.http.Endpoint;
import io.cxone.kafka.testkit.TestServices;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.connect.runtime.rest.errors.ConnectRestException;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.Test;

/**
 * A Reporting API sync whose worker goes away mid-pass and at pass boundaries, several times: the worker replaced by a
 * new one, the connector and its tasks restarted. Each time the task resumes from the checkpoint of its last committed
 * chunk (the pass, its watermark, the key cursor and the versions seen), with the chunks it had read ahead lost. At the
 * end a read_committed consumer finds every version due exactly once ({@link ReportingSync#check}).
 */
class ReportingWorkerKillIT {

    private static final String ENDPOINT = "contacts/completed";
    private final EmbeddedConnectCluster connect = TestServices.connect();

    /** Where the sync stands when the worker goes, as the simulator sees the connector's calls. */
    private enum Moment {
        MID_PASS,
        PASS_BOUNDARY
    }

    @Test
    void nothingLostAndNoVersionTwiceAcrossRestartsMidPassAndAtPassBoundaries() throws Exception {
        try (CxoneSimulator sim =
                CxoneSimulator.start(ReportingSync.simulatorOptions().build())) {
            // Pages answered 50 ms late: a pass pages for a while; the next starts 4 s after it completes.
            sim.arm(FaultSpec.delay(Endpoint.REPORTING, Duration.ofMillis(50), -1));
            String name = "reporting-kill-" + Long.toString(System.nanoTime(), 36);
            String topic = ReportingSync.topic(name, ENDPOINT);
            connect.kafka().createTopic(topic, 2);
            Map<String, String> config = ReportingSync.connector(sim, name, List.of(ENDPOINT), 1);
            config.put(ExportSourceConfig.EXPORT_INTERVAL_MS, "4000");
            connect.configureConnector(name, config);

            Random random = new Random(20261202L);
            List<Moment> plan = List.of(
                    Moment.MID_PASS,
                    Moment.PASS_BOUNDARY,
                    Moment.MID_PASS,
                    Moment.PASS_BOUNDARY,
                    Moment.MID_PASS,
                    Moment.PASS_BOUNDARY);
            for (int i = 0; i < plan.size(); i++) {
                Moment moment = plan.get(i);
                awaitTaskRunning(name);
                long committedBefore = checkpointCount(name);
                if (moment == Moment.MID_PASS) {
                    awaitMidPass(sim, name, committedBefore, random);
                } else {
                    awaitPassBoundary(sim);
                }
                if (i == 2) {
                    // The worker itself goes: a new worker takes the connector over.
                    connect.removeWorker();
                    connect.addWorker();
                } else {
                    connect.restartConnectorAndTasks(name, false, true, false);
                }
                System.err.println("reporting-kill: restart " + (i + 1) + " " + moment + " after "
                        + checkpointCount(name) + " committed chunks");
            }
            awaitTaskRunning(name);
            Instant lastRestart = Instant.now();
            ReportingSync.awaitIncrementalPassAfter(connect, name, List.of(ENDPOINT), lastRestart);
            connect.stopConnector(name);
            connect.assertions().assertConnectorIsStopped(name, "connector should stop");

            ReportingSync.Pass pass = ReportingSync.lastCompletedIncrementalPass(checkpoints(name), ENDPOINT)
                    .orElseThrow();
            ReportingSync.Delivery delivery = ReportingSync.check(
                    sim,
                    Map.of(ENDPOINT, pass),
                    Map.of(topic, ENDPOINT),
                    ReportingSync.readCommitted(TestServices.kafkaBootstrapServers(), List.of(topic)));
            System.err.println("reporting-kill: " + delivery.summary());
            delivery.assertExactlyOncePerVersion(300);
            connect.deleteConnector(name);
        }
    }

    private Map<String, List<ReportingCursor>> checkpoints(String connector) {
        return ReportingSync.checkpoints(connector);
    }

    private long checkpointCount(String connector) {
        return checkpoints(connector).getOrDefault(ENDPOINT, List.of()).size();
    }

    private void awaitTaskRunning(String connector) {
        await().atMost(Duration.ofSeconds(60))
                .ignoreExceptionsInstanceOf(ConnectRestException.class) // no status during a rebalance
                .until(() -> {
                    var tasks = connect.connectorStatus(connector).tasks();
                    if (tasks.size() == 1 && tasks.get(0).state().equals("FAILED")) {
                        throw new AssertionError("task failed: " + tasks.get(0).trace());
                    }
                    return tasks.size() == 1 && tasks.get(0).state().equals("RUNNING");
                });
    }

    /**
     * Until the connector is paging through a pass: a chunk committed after {@code committedBefore}, then pages still
     * asked for across a random pause of up to 300 ms.
     */
    private void awaitMidPass(CxoneSimulator sim, String connector, long committedBefore, Random random)
            throws InterruptedException {
        await().atMost(Duration.ofSeconds(60)).until(() -> checkpointCount(connector) > committedBefore);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            long pages = sim.requests().count(Endpoint.REPORTING);
            Thread.sleep(50 + random.nextInt(250));
            if (sim.requests().count(Endpoint.REPORTING) > pages) {
                return;
            }
        }
        throw new AssertionError("the connector asked for no page for 60 s");
    }

    /** Until no page was asked for during 1 s: the pass completed and the next is not yet due (4 s after). */
    private static void awaitPassBoundary(CxoneSimulator sim) {
        long[] last = {-1};
        long[] since = {System.nanoTime()};
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    long pages = sim.requests().count(Endpoint.REPORTING);
                    if (pages != last[0]) {
                        last[0] = pages;
                        since[0] = System.nanoTime();
                        return false;
                    }
                    return System.nanoTime() - since[0]
                            > Duration.ofMillis(1500).toNanos();
                });
    }
}
