package io.cxone.kafka.source.webhook;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Reads the HTTP/1.1 responses of one connection, as the webhook listener writes them: status line, headers, then a
 * Content-Length body, which is skipped. Bytes may arrive split anywhere. Anything the open-loop generator cannot
 * count correctly (no Content-Length, a transfer encoding, not HTTP/1.1) throws, naming what it got, rather than
 * being miscounted.
 */
final class ResponseParser {
    private final byte[] line = new byte[8192];
    private int lineLength;
    private int status = -1; // of the response being read; -1 until its status line is read
    private long contentLength = -1;
    private long bodyLeft = -1; // -1 while in the status line and headers
    private boolean close;
    private boolean lastClosed;

    /**
     * Consumes bytes of {@code in} up to the end of the next complete response and returns its status code, or
     * returns -1 once every byte of {@code in} is consumed without completing one (the next call continues it).
     */
    int next(ByteBuffer in) {
        while (bodyLeft != 0 && in.hasRemaining()) {
            if (bodyLeft > 0) {
                int skip = (int) Math.min(bodyLeft, in.remaining());
                in.position(in.position() + skip);
                bodyLeft -= skip;
            } else {
                byte b = in.get();
                if (b != '\n') {
                    if (lineLength == line.length) {
                        throw new IllegalStateException("response header line longer than " + line.length + " bytes");
                    }
                    line[lineLength++] = b;
                } else {
                    endOfLine(new String(line, 0, lineLength > 0 && line[lineLength - 1] == '\r' ? lineLength - 1 : lineLength,
                            StandardCharsets.ISO_8859_1));
                    lineLength = 0;
                }
            }
        }
        if (bodyLeft != 0) {
            return -1;
        }
        int done = status;
        lastClosed = close;
        status = -1;
        contentLength = -1;
        bodyLeft = -1;
        close = false;
        return done;
    }

    /** Whether the response last returned by {@link #next} said {@code Connection: close}. */
    boolean closed() {
        return lastClosed;
    }

    private void endOfLine(String text) {
        if (status < 0) {
            if (!text.startsWith("HTTP/1.1 ") || text.length() < 12 || !text.substring(9, 12).chars().allMatch(Character::isDigit)) {
                throw new IllegalStateException("not an HTTP/1.1 status line: " + text);
            }
            status = Integer.parseInt(text.substring(9, 12));
        } else if (!text.isEmpty()) {
            int colon = text.indexOf(':');
            String name = colon < 0 ? text : text.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = colon < 0 ? "" : text.substring(colon + 1).trim();
            switch (name) {
                case "content-length" -> contentLength = Long.parseLong(value);
                case "transfer-encoding" -> throw new IllegalStateException("response " + status + " with Transfer-Encoding: " + value
                        + "; the generator reads Content-Length bodies only");
                case "connection" -> close = value.toLowerCase(Locale.ROOT).contains("close");
                default -> { }
            }
        } else if (contentLength < 0) {
            throw new IllegalStateException("response " + status + " without Content-Length");
        } else {
            bodyLeft = contentLength; // 0 ends the response at once
        }
    }
}
