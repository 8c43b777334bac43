package io.cxone.kafka.source.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class TenantCallGateTest {

    private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");

    @Test
    void theIntervalCountsFromTheAnswerAndA429MovesTheNextCallToItsRetryAfter() {
        MutableClock clock = new MutableClock(NOW);
        TenantCallGate gate = new TenantCallGate(Duration.ofSeconds(30), clock);
        gate.acquire(); // the first call goes at once
        clock.now = NOW.plusSeconds(2); // its answer took 2 s
        gate.answered();
        assertThat(gate.nextSlot()).isEqualTo(NOW.plusSeconds(32));
        clock.now = NOW.plusSeconds(32);
        gate.acquire();
        gate.answered();
        gate.throttled(Duration.ofSeconds(200));
        assertThat(gate.nextSlot()).isEqualTo(NOW.plusSeconds(232));
        gate.throttled(Duration.ofSeconds(1)); // earlier than the next slot: changes nothing
        assertThat(gate.nextSlot()).isEqualTo(NOW.plusSeconds(232));
    }

    /**
     * Several threads of one tenant (the fetchers of several entities): a call goes out only once the one before it
     * was answered and an interval has passed since, however slow the answers are.
     */
    @Test
    void callsOfSeveralThreadsGoOneAtATimeAnIntervalAfterThePreviousAnswer() throws Exception {
        Duration interval = Duration.ofMillis(100);
        TenantCallGate gate = new TenantCallGate(interval, Clock.systemUTC());
        List<long[]> calls = Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            Thread thread = new Thread(() -> {
                for (int i = 0; i < 3; i++) {
                    gate.acquire();
                    long sent = System.nanoTime();
                    CxoneHttp.sleep(Duration.ofMillis(60)); // the exchange
                    long answered = System.nanoTime();
                    gate.answered();
                    calls.add(new long[] {sent, answered});
                }
            });
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        List<long[]> ordered = calls.stream()
                .sorted(java.util.Comparator.comparingLong(c -> c[0]))
                .toList();
        assertThat(ordered).hasSize(9);
        for (int i = 1; i < ordered.size(); i++) {
            assertThat(ordered.get(i)[0] - ordered.get(i - 1)[1])
                    .as("call %d went out this many ns after the answer to the one before", i)
                    .isGreaterThanOrEqualTo(interval.toNanos());
        }
    }

    private static final class MutableClock extends Clock {
        Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    @Test
    void oneGatePerTenantAndIntervalInTheWorkerAndNoneWithoutAnInterval() {
        assertThat(TenantCallGate.forTenant("https://issuer|key-a", Duration.ZERO))
                .isNull();
        TenantCallGate a = TenantCallGate.forTenant("https://issuer|key-a", Duration.ofSeconds(30));
        assertThat(TenantCallGate.forTenant("https://issuer|key-a", Duration.ofSeconds(30)))
                .isSameAs(a);
        assertThat(TenantCallGate.forTenant("https://issuer|key-b", Duration.ofSeconds(30)))
                .isNotSameAs(a);
    }
}
