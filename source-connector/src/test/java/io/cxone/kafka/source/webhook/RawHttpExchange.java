package io.cxone.kafka.source.webhook;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One HTTP/1.1 exchange over its own socket, the request bytes exactly as given (lying lengths, broken framing,
 * trickled parts), and what came back before a deadline: an answer, a close, or nothing. Hand-written because HTTP
 * client libraries refuse to send what this must send, and hide a close or a reset behind their own exceptions.
 * Unlike {@link ResponseParser} (which counts answers of a well-behaved server at speed) it keeps the answer's body,
 * reads chunked answers, and never throws on what a server sends.
 */
final class RawHttpExchange {

    enum Kind {
        ANSWERED,
        CLOSED,
        TIMEOUT
    }

    /** What came back; {@code status} and the rest only for {@link Kind#ANSWERED}. */
    record Outcome(Kind kind, int status, String contentType, byte[] body, long millis, String detail) {}

    private static final int MAX_RESPONSE_BYTES = 256 * 1024;
    /** Closes sockets whose deadline passed: a blocked write or read then ends at once. */
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "raw-http-watchdog");
        thread.setDaemon(true);
        return thread;
    });

    private RawHttpExchange() {}

    /**
     * Connects, writes each part ({@code gapMillis} apart, stopping early once the server answered or closed), then
     * half-closes the output if asked, and reads the answer until it is complete, the server closes, or the timeout
     * (counted from the connect) passes.
     */
    static Outcome send(
            InetSocketAddress address, List<byte[]> parts, long gapMillis, boolean halfClose, Duration timeout) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        AtomicBoolean expired = new AtomicBoolean();
        boolean eof = false;
        String detail = "";
        try (Socket socket = new Socket()) {
            ScheduledFuture<?> watchdog = WATCHDOG.schedule(
                    () -> {
                        expired.set(true);
                        closeQuietly(socket);
                    },
                    timeout.toMillis(),
                    TimeUnit.MILLISECONDS);
            try {
                socket.connect(address, (int) Math.min(timeout.toMillis(), 10_000));
                socket.setTcpNoDelay(true);
                OutputStream out = socket.getOutputStream();
                InputStream in = socket.getInputStream();
                byte[] buffer = new byte[16 * 1024];
                sending:
                for (int i = 0; i < parts.size(); i++) {
                    if (i > 0 && gapMillis > 0) {
                        // the pause between parts is spent waiting for an answer: one that comes ends the trickle
                        socket.setSoTimeout((int) gapMillis);
                        try {
                            int n = in.read(buffer);
                            if (n < 0) {
                                eof = true;
                                break;
                            }
                            received.write(buffer, 0, n);
                            break sending;
                        } catch (SocketTimeoutException stillWaiting) {
                            // nothing yet: send the next part
                        }
                    }
                    try {
                        out.write(parts.get(i));
                        out.flush();
                    } catch (IOException e) {
                        detail = "write stopped: " + e.getMessage(); // the server closed or reset; read what it said
                        break;
                    }
                }
                if (halfClose && !eof && detail.isEmpty()) {
                    socket.shutdownOutput();
                }
                while (!eof && !complete(received.toByteArray()) && received.size() < MAX_RESPONSE_BYTES) {
                    long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                    if (left <= 0) {
                        expired.set(true);
                        break;
                    }
                    socket.setSoTimeout((int) Math.max(1, left));
                    int n;
                    try {
                        n = in.read(buffer);
                    } catch (SocketTimeoutException e) {
                        expired.set(true);
                        break;
                    }
                    if (n < 0) {
                        eof = true;
                    } else {
                        received.write(buffer, 0, n);
                    }
                }
            } catch (IOException e) {
                if (!expired.get()) {
                    eof = true; // reset or refused: the server ended the connection
                    detail = e.getMessage();
                }
            } finally {
                watchdog.cancel(false);
            }
        } catch (IOException closing) {
            // closing the socket: nothing to report
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        byte[] bytes = received.toByteArray();
        Outcome answer = parse(bytes, millis);
        if (answer != null && (complete(bytes) || eof)) {
            return answer;
        }
        if (expired.get()) {
            return new Outcome(
                    Kind.TIMEOUT, 0, null, null, millis, bytes.length + " bytes of an answer by the deadline");
        }
        return new Outcome(
                Kind.CLOSED,
                0,
                null,
                null,
                millis,
                bytes.length == 0 ? detail : "closed after " + bytes.length + " bytes that are no HTTP answer");
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // the deadline passed; the socket is being abandoned
        }
    }

    /** Whether the bytes hold a whole final answer (its body by Content-Length or chunked framing). */
    private static boolean complete(byte[] bytes) {
        Head head = head(bytes);
        if (head == null) {
            return false;
        }
        if (head.chunked) {
            return dechunk(bytes, head.bodyStart) != null;
        }
        return head.contentLength >= 0 && bytes.length - head.bodyStart >= head.contentLength;
    }

    private static Outcome parse(byte[] bytes, long millis) {
        Head head = head(bytes);
        if (head == null) {
            return null;
        }
        byte[] body;
        if (head.chunked) {
            body = dechunk(bytes, head.bodyStart);
            if (body == null) {
                body = Arrays.copyOfRange(bytes, head.bodyStart, bytes.length);
            }
        } else {
            int end = head.contentLength >= 0
                    ? (int) Math.min(bytes.length, head.bodyStart + head.contentLength)
                    : bytes.length;
            body = Arrays.copyOfRange(bytes, head.bodyStart, end);
        }
        return new Outcome(Kind.ANSWERED, head.status, head.contentType, body, millis, "");
    }

    /** The status line and headers of the final answer (interim 1xx answers skipped); null until they are all there. */
    private record Head(int status, String contentType, long contentLength, boolean chunked, int bodyStart) {}

    private static Head head(byte[] bytes) {
        int from = 0;
        while (true) {
            int end = indexOf(bytes, from, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            if (end < 0) {
                return null;
            }
            String[] lines = new String(bytes, from, end - from, StandardCharsets.ISO_8859_1).split("\r\n");
            int status;
            try {
                status = lines[0].startsWith("HTTP/1.") ? Integer.parseInt(lines[0].substring(9, 12)) : -1;
            } catch (RuntimeException e) {
                status = -1;
            }
            if (status < 0) {
                return null;
            }
            if (status >= 100 && status < 200 && status != 101) {
                from = end + 4;
                continue;
            }
            String contentType = null;
            long contentLength = -1;
            boolean chunked = false;
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = lines[i].substring(colon + 1).trim();
                switch (name) {
                    case "content-type" -> contentType = value;
                    case "content-length" -> {
                        try {
                            contentLength = Long.parseLong(value);
                        } catch (NumberFormatException e) {
                            contentLength = -1;
                        }
                    }
                    case "transfer-encoding" ->
                        chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                    default -> {}
                }
            }
            return new Head(status, contentType, contentLength, chunked, end + 4);
        }
    }

    /** The body of a chunked answer, or null while its last chunk has not arrived. */
    private static byte[] dechunk(byte[] bytes, int from) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int at = from;
        while (true) {
            int lineEnd = indexOf(bytes, at, new byte[] {'\r', '\n'});
            if (lineEnd < 0) {
                return null;
            }
            String sizeText = new String(bytes, at, lineEnd - at, StandardCharsets.ISO_8859_1);
            int semicolon = sizeText.indexOf(';');
            int size;
            try {
                size = Integer.parseInt((semicolon < 0 ? sizeText : sizeText.substring(0, semicolon)).trim(), 16);
            } catch (NumberFormatException e) {
                return null;
            }
            at = lineEnd + 2;
            if (size == 0) {
                return body.toByteArray();
            }
            if (bytes.length < at + size + 2) {
                return null;
            }
            body.write(bytes, at, size);
            at += size + 2;
        }
    }

    private static int indexOf(byte[] bytes, int from, byte[] needle) {
        outer:
        for (int i = from; i <= bytes.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (bytes[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
