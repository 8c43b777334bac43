package io.cxone.kafka.common.retry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void windowDoublesFromBaseUpToMax() {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofMillis(1_000));
        assertThat(List.of(1, 2, 3, 4, 5, 60).stream()
                        .map(a -> backoff.window(a).toMillis()))
                .containsExactly(100L, 200L, 400L, 800L, 1_000L, 1_000L);
    }

    @Test
    void delayIsDrawnFromZeroToTheWholeWindow() {
        List<Long> bounds = new ArrayList<>();
        Backoff lowest = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10), bound -> {
            bounds.add(bound);
            return 0;
        });
        Backoff highest = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10), bound -> bound);

        assertThat(lowest.delay(3)).isZero();
        assertThat(highest.delay(3)).isEqualTo(Duration.ofMillis(400));
        assertThat(bounds).containsExactly(400L);
    }

    @Test
    void randomDelaysSpreadOverTheWindowIncludingItsLowerHalf() {
        Backoff backoff = new Backoff(Duration.ofMillis(1_000), Duration.ofMillis(1_000));
        List<Long> delays = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            delays.add(backoff.delay(1).toMillis());
        }
        assertThat(delays).allMatch(d -> d >= 0 && d <= 1_000);
        // full jitter: a quarter of the draws land below 250 ms; a floor at base/2 would give none
        assertThat(delays.stream().filter(d -> d < 250).count()).isGreaterThan(300);
    }

    @Test
    void retryAfterIsHonouredUpToTheLargestWindow() {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5));
        assertThat(backoff.retryAfter(Duration.ofSeconds(2))).isEqualTo(Duration.ofSeconds(2));
        assertThat(backoff.retryAfter(Duration.ofMinutes(5))).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void maxBelowBaseIsRaisedToBaseAndHugeAttemptsDoNotOverflow() {
        Backoff backoff = new Backoff(Duration.ofMillis(500), Duration.ofMillis(10));
        assertThat(backoff.max()).isEqualTo(Duration.ofMillis(500));
        assertThat(backoff.window(Integer.MAX_VALUE)).isEqualTo(Duration.ofMillis(500));
    }
}
