package io.cxone.kafka.bridge.subscription;

import io.cxone.kafka.bridge.BridgeConfig;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.utils.Time;

/**
 * Single-use tickets that stand for a token for a short while: a browser page trades its token for one
 * ({@code POST /api/ticket} with an Authorization header) and opens its stream with {@code ?ticket=}, so the token
 * itself never goes into a URL (EventSource cannot send headers). A ticket carries its token's topic permissions,
 * is redeemed once, and expires after {@code auth.ticket.ttl.ms}. At most {@code auth.tickets.max} are outstanding;
 * expired ones are forgotten by {@link #sweep} and before every issue.
 */
public final class Tickets {

    /** 256 random bits. */
    private static final int TICKET_BYTES = 32;
    /** A longer presented ticket cannot be one of ours: refused without a look-up. */
    public static final int TICKET_MAX_CHARS = 64;

    private final int max;
    private final Duration ttl;
    private final Time time;
    private final SecureRandom random = new SecureRandom();
    /** In issue order, which is expiry order (one TTL for all), so sweeping stops at the first live ticket. */
    private final LinkedHashMap<String, Issued> issued = new LinkedHashMap<>();

    private record Issued(BridgeConfig.Token token, long expiresAtNanos) {}

    /** A ticket that cannot be redeemed; the message says why, for the client. */
    public static final class InvalidTicketException extends Exception {
        InvalidTicketException(String message) {
            super(message);
        }
    }

    public Tickets(int max, Duration ttl, Time time) {
        this.max = max;
        this.ttl = ttl;
        this.time = time;
    }

    public Duration ttl() {
        return ttl;
    }

    /** A new ticket for the token; empty when {@code auth.tickets.max} tickets are outstanding. */
    public Optional<String> issue(BridgeConfig.Token token) {
        byte[] bytes = new byte[TICKET_BYTES];
        random.nextBytes(bytes);
        String ticket = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        synchronized (issued) {
            sweep();
            if (issued.size() >= max) {
                return Optional.empty();
            }
            issued.put(ticket, new Issued(token, time.nanoseconds() + ttl.toNanos()));
        }
        return Optional.of(ticket);
    }

    /** The token a ticket stands for; the ticket is used up, whatever the outcome. */
    public BridgeConfig.Token redeem(String ticket) throws InvalidTicketException {
        if (ticket.length() > TICKET_MAX_CHARS) {
            throw new InvalidTicketException("invalid ticket: longer than " + TICKET_MAX_CHARS + " characters");
        }
        Issued found;
        synchronized (issued) {
            found = issued.remove(ticket);
        }
        if (found == null) {
            throw new InvalidTicketException("invalid ticket: unknown or already used (a ticket opens one stream)");
        }
        if (time.nanoseconds() - found.expiresAtNanos() >= 0) {
            throw new InvalidTicketException("invalid ticket: expired (valid for " + ttl.toMillis() + " ms; "
                    + BridgeConfig.TICKET_TTL_MS + ")");
        }
        return found.token();
    }

    /** Forgets expired tickets. */
    public void sweep() {
        long now = time.nanoseconds();
        synchronized (issued) {
            Iterator<Map.Entry<String, Issued>> it = issued.entrySet().iterator();
            while (it.hasNext() && now - it.next().getValue().expiresAtNanos() >= 0) {
                it.remove();
            }
        }
    }

    /** Tickets issued and neither redeemed nor forgotten. */
    public int outstanding() {
        synchronized (issued) {
            return issued.size();
        }
    }
}
