package io.cxone.kafka.bridge.frame;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The checksum every frame carries, verifiable from the frame alone.
 *
 * <p>Every frame is a JSON object whose text starts with {@code {"checksum":"} followed by 64 lower-case hex
 * digits. The checksum is the hex SHA-256 of the UTF-8 bytes of the whole frame text with those 64 digits
 * replaced by 64 {@code '0'} characters. It therefore covers the coordinates, key, headers and value exactly
 * as sent. For a gzip frame (binary message) it covers the decompressed text. A client verifies with:
 * {@code sha256(utf8("{\"checksum\":\"" + "0".repeat(64) + text.substring(77))) == text.substring(13, 77)}.
 */
public final class FrameChecksum {

    public static final String PREFIX = "{\"checksum\":\"";
    public static final int HEX_START = PREFIX.length();
    public static final int HEX_END = HEX_START + 64;
    static final String PLACEHOLDER = "0".repeat(64);

    private FrameChecksum() {}

    /** Fills in the checksum of a frame written with {@link #PLACEHOLDER} digits; returns the same array. */
    public static byte[] seal(byte[] frame) {
        if (!startsWithPlaceholder(frame)) {
            throw new IllegalArgumentException("frame does not start with the checksum placeholder");
        }
        byte[] hex = HexFormat.of().formatHex(sha256(frame)).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(hex, 0, frame, HEX_START, 64);
        return frame;
    }

    /** True if the frame text carries a checksum matching its content. */
    public static boolean verify(String frameText) {
        if (frameText.length() < HEX_END + 1 || !frameText.startsWith(PREFIX)) {
            return false;
        }
        String claimed = frameText.substring(HEX_START, HEX_END);
        String zeroed = PREFIX + PLACEHOLDER + frameText.substring(HEX_END);
        return HexFormat.of()
                .formatHex(sha256(zeroed.getBytes(StandardCharsets.UTF_8)))
                .equals(claimed);
    }

    private static boolean startsWithPlaceholder(byte[] frame) {
        if (frame.length < HEX_END + 1) {
            return false;
        }
        byte[] prefix = PREFIX.getBytes(StandardCharsets.US_ASCII);
        if (!Arrays.equals(frame, 0, HEX_START, prefix, 0, HEX_START)) {
            return false;
        }
        for (int i = HEX_START; i < HEX_END; i++) {
            if (frame[i] != '0') {
                return false;
            }
        }
        return frame[HEX_END] == '"';
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
