package io.cxone.kafka.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The command line of {@code ./stack}, read before anything starts. */
class StackCliArgumentsTest {

    private static StackCli.Invocation parse(String line) {
        return StackCli.parse(line.isBlank() ? new String[0] : line.split(" "));
    }

    @Test
    void upWithoutFlagsIsOneBrokerAndOneWorkerInTheForeground() {
        StackCli.Invocation up = parse("up");
        assertThat(up.command()).isEqualTo("up");
        assertThat(up.detach()).isFalse();
        assertThat(up.topology()).isEqualTo(new Topology(1, 1));
    }

    @ParameterizedTest
    @CsvSource({
        "up --workers 2 --brokers 3, 3, 2, false",
        "up --brokers 3 --workers 2 --detach, 3, 2, true",
        "up -d --workers=4, 1, 4, true",
        "up --brokers=9 --workers=9, 9, 9, false",
    })
    void upTakesBrokerAndWorkerCountsInAnyOrderAndForm(String line, int brokers, int workers, boolean detach) {
        StackCli.Invocation up = parse(line);
        assertThat(up.topology()).isEqualTo(new Topology(brokers, workers));
        assertThat(up.detach()).isEqualTo(detach);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "up --workers             | --workers needs a number",
                "up --workers x           | needs a number, not 'x'",
                "up --workers=            | needs a number, not ''",
                "up --brokers 0           | --brokers must be between 1 and 9, not 0",
                "up --brokers 10          | --brokers must be between 1 and 9, not 10",
                "up --workers -1          | --workers must be between 1 and 9, not -1",
                "up --workers 99999999999 | needs a number",
                "up --brokers 3 --brokers 1 | --brokers given twice",
                "up --worker 2            | unknown option --worker",
                "up 2                     | unknown option 2",
                "status --workers 2       | status takes no arguments",
                "down now                 | down takes no arguments",
                "kill                     | kill takes one service name",
                "kill connect-1 connect-2 | kill takes one service name",
                "start --brokers          | start takes one service name",
            })
    void badCommandLinesAreRefusedWithTheReason(String line, String reason) {
        assertThatThrownBy(() -> parse(line.trim()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(reason.trim());
    }

    @Test
    void oneServiceCommandsNameTheirService() {
        assertThat(parse("kill connect-1").service()).isEqualTo("connect-1");
        assertThat(parse("start kafka-3").command()).isEqualTo("start");
        assertThat(parse("start kafka-3").service()).isEqualTo("kafka-3");
        assertThat(parse("restart connect").command()).isEqualTo("restart");
    }

    @Test
    void anythingElseAsksForTheUsage() {
        assertThat(parse("").command()).isEqualTo("help");
        assertThat(parse("--help").command()).isEqualTo("help");
        assertThat(parse("scale 3").command()).isEqualTo("help");
    }
}
