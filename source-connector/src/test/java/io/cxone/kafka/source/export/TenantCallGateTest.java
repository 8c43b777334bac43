package io.cxone.kafka.source.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class TenantCallGateTest {

    private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");

    @Test
    void callsTakeSlotsOneIntervalApartAndA429MovesTheNextSlotToItsRetryAfter() {
        TenantCallGate gate = new TenantCallGate(Duration.ofSeconds(30), Clock.fixed(NOW, ZoneOffset.UTC));
        assertThat(gate.reserve()).isEqualTo(NOW);
        assertThat(gate.reserve()).isEqualTo(NOW.plusSeconds(30));
        assertThat(gate.reserve()).isEqualTo(NOW.plusSeconds(60));
        gate.throttled(Duration.ofSeconds(200));
        assertThat(gate.reserve()).isEqualTo(NOW.plusSeconds(200));
        gate.throttled(Duration.ofSeconds(1)); // earlier than the next slot: changes nothing
        assertThat(gate.reserve()).isEqualTo(NOW.plusSeconds(230));
        assertThat(gate.waitedMs()).isEqualTo((30 + 60 + 200 + 230) * 1000L);
    }

    @Test
    void theIntervalCountsFromTheAnswerSoASlowCallPushesTheNextSlot() {
        MutableClock clock = new MutableClock(NOW);
        TenantCallGate gate = new TenantCallGate(Duration.ofSeconds(30), clock);
        assertThat(gate.reserve()).isEqualTo(NOW);
        clock.now = NOW.plusSeconds(2); // the answer took 2 s
        gate.answered();
        assertThat(gate.reserve()).isEqualTo(NOW.plusSeconds(32));
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
