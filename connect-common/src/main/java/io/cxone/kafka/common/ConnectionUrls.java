package io.cxone.kafka.common;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Checks of connection URLs given in connector settings: credentials written into the URL ({@code user:pass@host}),
 * which Connect would show in {@code GET /connectors/X/config} and every log line that prints the URL, and plain
 * {@code http://} to a host other than this machine, where credentials would cross the network in clear.
 * Works on the text, so it also covers values that {@link URI} refuses to parse (which still get echoed in errors).
 */
public final class ConnectionUrls {

    private static final Pattern IPV4_LITERAL = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final String HIDDEN = "***";

    private ConnectionUrls() {}

    /**
     * True when the text carries user info: an {@code @} after the scheme. A URL whose path holds an {@code @} counts
     * too: refusing it costs little, and a password containing {@code /} would otherwise slip through.
     */
    public static boolean hasUserInfo(String url) {
        return url != null && url.indexOf('@', authorityStart(url)) >= 0;
    }

    /** The text with everything between the scheme and the last {@code @} replaced by {@code ***}: safe to log or echo. */
    public static String redact(String url) {
        if (!hasUserInfo(url)) {
            return url;
        }
        int start = authorityStart(url);
        return url.substring(0, start) + HIDDEN + url.substring(url.lastIndexOf('@'));
    }

    /**
     * True for {@code localhost}, {@code 127.0.0.0/8} and {@code ::1}, judged from the literal host only: a name is never
     * looked up (a DNS answer must not decide whether a secret may travel in clear).
     */
    public static boolean isLoopbackHost(String host) {
        if (host == null || host.isBlank()) {
            return false;
        }
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.equals("localhost")) {
            return true;
        }
        if (!IPV4_LITERAL.matcher(h).matches() && !h.contains(":")) {
            return false; // a name: not looked up
        }
        try {
            return InetAddress.getByName(h).isLoopbackAddress(); // a literal: parsed, no lookup
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** True for an {@code http://} URL (not https) whose host is not this machine's loopback. */
    public static boolean isPlainHttpToRemoteHost(URI url) {
        return "http".equalsIgnoreCase(url.getScheme()) && !isLoopbackHost(url.getHost());
    }

    private static int authorityStart(String url) {
        int scheme = url.indexOf("://");
        return scheme < 0 ? 0 : scheme + 3;
    }
}
