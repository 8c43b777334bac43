package io.cxone.kafka.bridge.subscription;

import io.cxone.kafka.bridge.BridgeConfig;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Who may connect and read what: bearer/query tokens mapped to topic patterns, and the Origin allow-list
 * (default: same origin only; requests without an Origin header come from non-browser clients and pass).
 */
public final class AccessPolicy {

    static final BridgeConfig.Token ANONYMOUS = new BridgeConfig.Token("anonymous", "", List.of(Pattern.compile(".*")));

    private final boolean authEnabled;
    private final List<BridgeConfig.Token> tokens;
    private final List<String> allowedOrigins;

    public AccessPolicy(BridgeConfig config) {
        this.authEnabled = config.authEnabled();
        this.tokens = config.tokens();
        this.allowedOrigins = config.allowedOrigins().stream()
                .map(o -> o.toLowerCase(Locale.ROOT))
                .toList();
    }

    /**
     * The token for a presented secret (from {@code Authorization: Bearer} or {@code ?token=}); with auth
     * disabled, an anonymous token allowed every topic. Compares in constant time.
     */
    public Optional<BridgeConfig.Token> authenticate(String presented) {
        if (!authEnabled) {
            return Optional.of(ANONYMOUS);
        }
        if (presented == null || presented.isEmpty()) {
            return Optional.empty();
        }
        byte[] given = presented.getBytes(StandardCharsets.UTF_8);
        BridgeConfig.Token match = null;
        for (BridgeConfig.Token token : tokens) {
            if (MessageDigest.isEqual(given, token.secret().getBytes(StandardCharsets.UTF_8))) {
                match = token;
            }
        }
        return Optional.ofNullable(match);
    }

    /** The secret from an Authorization header ("Bearer x") or else the query token. */
    public static String presentedToken(String authorizationHeader, String queryToken) {
        if (authorizationHeader != null && authorizationHeader.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return authorizationHeader.substring(7).trim();
        }
        return queryToken;
    }

    /**
     * Whether a browser page from {@code origin} may open a socket on this server ({@code host} is the Host
     * header, {@code secure} whether the request came over TLS).
     */
    public boolean originAllowed(String origin, String host, boolean secure) {
        if (origin == null) {
            return true;
        }
        String normalized = origin.trim().toLowerCase(Locale.ROOT);
        if (allowedOrigins.contains("*") || allowedOrigins.contains(normalized)) {
            return true;
        }
        return sameOrigin(normalized, host, secure);
    }

    static boolean sameOrigin(String origin, String host, boolean secure) {
        if (host == null || host.isBlank()) {
            return false;
        }
        try {
            URI o = URI.create(origin);
            String scheme = o.getScheme();
            if (scheme == null || o.getHost() == null || !scheme.equals(secure ? "https" : "http")) {
                return false;
            }
            int originPort = o.getPort() != -1 ? o.getPort() : (secure ? 443 : 80);
            URI h = URI.create("http://" + host.trim().toLowerCase(Locale.ROOT));
            if (h.getHost() == null) {
                return false;
            }
            int hostPort = h.getPort() != -1 ? h.getPort() : (secure ? 443 : 80);
            return o.getHost().equals(h.getHost()) && originPort == hostPort;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
