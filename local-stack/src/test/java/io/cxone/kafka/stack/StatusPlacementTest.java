package io.cxone.kafka.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How {@code ./stack status} tells where a connector or task runs, and when Connect's word for it is stale. */
class StatusPlacementTest {

    private static final Map<String, String> WORKERS =
            Map.of("127.0.0.1:8083", "connect-1", "127.0.0.1:8084", "connect-2");

    private static StackCli.Placement place(String state, String workerId, List<String> up) {
        return StackCli.Placement.of(new ConnectorDeployer.Unit("task 0", state, workerId), WORKERS, up);
    }

    @Test
    void aTaskOnARunningWorkerIsShownByTheWorkersName() {
        assertThat(place("RUNNING", "127.0.0.1:8084", List.of("127.0.0.1:8083", "127.0.0.1:8084")))
                .isEqualTo(new StackCli.Placement("connect-2", false));
    }

    @Test
    void aTaskConnectStillPlacesOnAKilledWorkerIsStale() {
        StackCli.Placement p = place("RUNNING", "127.0.0.1:8083", List.of("127.0.0.1:8084"));
        assertThat(p.stale()).isTrue();
        assertThat(p.where()).startsWith("connect-1 (stopped");
    }

    @Test
    void anUnassignedTaskRunsNowhereAndIsNotStale() {
        assertThat(place("UNASSIGNED", "127.0.0.1:8083", List.of("127.0.0.1:8084")))
                .isEqualTo(new StackCli.Placement("none (last on connect-1)", false));
    }

    @Test
    void aWorkerOutsideTheStackIsShownByItsIdAndTrusted() {
        assertThat(place("RUNNING", "10.0.0.5:8083", List.of()))
                .isEqualTo(new StackCli.Placement("10.0.0.5:8083", false));
    }
}
