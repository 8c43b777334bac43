package io.cxone.kafka.bridge.subscription;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cxone.kafka.bridge.BridgeConfig;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.kafka.common.utils.MockTime;
import org.junit.jupiter.api.Test;

/** Single-use tickets on a mock clock: each stands for its token once, within its lifetime, and only so many at once. */
class TicketsTest {

    private static final BridgeConfig.Token TOKEN =
            new BridgeConfig.Token("dash", "secret-123456", List.of(Pattern.compile("cxone\\..*")));

    private final MockTime time = new MockTime(0, 0, 0);

    @Test
    void aTicketStandsForItsTokenOnce() throws Exception {
        Tickets tickets = new Tickets(10, Duration.ofSeconds(30), time);
        String ticket = tickets.issue(TOKEN).orElseThrow();
        assertThat(ticket).matches("[A-Za-z0-9_-]{43}");
        assertThat(tickets.redeem(ticket)).isSameAs(TOKEN);
        assertThatThrownBy(() -> tickets.redeem(ticket)).hasMessageContaining("unknown or already used");
        assertThat(tickets.outstanding()).isZero();
    }

    @Test
    void unknownOverlongAndExpiredTicketsAreRefused() throws Exception {
        Tickets tickets = new Tickets(10, Duration.ofSeconds(30), time);
        assertThatThrownBy(() -> tickets.redeem("never-issued")).hasMessageContaining("unknown or already used");
        assertThatThrownBy(() -> tickets.redeem("x".repeat(65))).hasMessageContaining("longer than 64 characters");
        String late = tickets.issue(TOKEN).orElseThrow();
        String inTime = tickets.issue(TOKEN).orElseThrow();
        time.sleep(29_999);
        assertThat(tickets.redeem(inTime)).isSameAs(TOKEN);
        time.sleep(1);
        assertThatThrownBy(() -> tickets.redeem(late))
                .isInstanceOf(Tickets.InvalidTicketException.class)
                .hasMessageContaining("expired (valid for 30000 ms; auth.ticket.ttl.ms)");
    }

    @Test
    void atMostMaxAreOutstandingAndExpiredOnesMakeRoom() throws Exception {
        Tickets tickets = new Tickets(3, Duration.ofSeconds(30), time);
        Set<String> issued = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            issued.add(tickets.issue(TOKEN).orElseThrow());
        }
        assertThat(issued).hasSize(3);
        assertThat(tickets.issue(TOKEN)).isEmpty();
        assertThat(tickets.outstanding()).isEqualTo(3);
        // A redeemed ticket makes room at once; expired ones once the sweep (or the next issue) forgets them.
        tickets.redeem(issued.iterator().next());
        assertThat(tickets.issue(TOKEN)).isPresent();
        assertThat(tickets.issue(TOKEN)).isEmpty();
        time.sleep(30_000);
        tickets.sweep();
        assertThat(tickets.outstanding()).isZero();
        for (int i = 0; i < 3; i++) {
            assertThat(tickets.issue(TOKEN)).isPresent();
        }
    }
}
