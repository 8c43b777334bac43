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
                    endOfLine(lineLength > 0 && line[lineLength - 1] == '\r' ? lineLength - 1 : lineLength);
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

    /**
     * One line of {@link #line}, without its CR LF. Works on the bytes, without a String per line: the generator reads
     * thousands of responses a second on the cores it shares with the server it measures.
     */
    private void endOfLine(int length) {
        if (status < 0) {
            if (length < 12
                    || !startsWith(length, "HTTP/1.1 ")
                    || !isDigit(line[9])
                    || !isDigit(line[10])
                    || !isDigit(line[11])) {
                throw new IllegalStateException("not an HTTP/1.1 status line: " + text(0, length));
            }
            status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
        } else if (length > 0) {
            if (startsWith(length, "content-length:")) {
                contentLength = Long.parseLong(text(15, length).trim());
            } else if (startsWith(length, "transfer-encoding:")) {
                throw new IllegalStateException("response " + status + " with Transfer-Encoding: "
                        + text(18, length).trim() + "; the generator reads Content-Length bodies only");
            } else if (startsWith(length, "connection:")) {
                close = text(11, length).toLowerCase(Locale.ROOT).contains("close");
            }
        } else if (contentLength < 0) {
            throw new IllegalStateException("response " + status + " without Content-Length");
        } else {
            bodyLeft = contentLength; // 0 ends the response at once
        }
    }

    /** Whether the line starts with {@code prefix}, ignoring ASCII case (header names). */
    private boolean startsWith(int length, String prefix) {
        if (length < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (Character.toLowerCase((char) line[i]) != Character.toLowerCase(prefix.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    private String text(int from, int to) {
        return new String(line, from, to - from, StandardCharsets.ISO_8859_1);
    }
}
