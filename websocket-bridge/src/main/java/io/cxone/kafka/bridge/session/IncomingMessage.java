package io.cxone.kafka.bridge.session;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.websocket.core.Frame;

/**
 * A client's text message assembled from its TEXT and CONTINUATION frames, up to a byte limit: Jetty's
 * maxTextMessageSize only applies to its message-level handlers, and {@link ClientConnection} sees raw frames.
 * Used on Jetty's thread of the connection only.
 */
final class IncomingMessage {

    private final int maxBytes;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private boolean tooLarge;

    IncomingMessage(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** Adds a frame's payload; past the limit the message is dropped and only remembered as too large. */
    void append(Frame frame) {
        if (tooLarge) {
            return;
        }
        if (bytes.size() + frame.getPayloadLength() > maxBytes) {
            tooLarge = true;
            bytes.reset();
            return;
        }
        if (frame.hasPayload()) {
            ByteBuffer data = frame.getPayload().slice();
            byte[] payload = new byte[data.remaining()];
            data.get(payload);
            bytes.write(payload, 0, payload.length);
        }
    }

    /** The complete message, or null when it exceeded the limit; either way the next message starts empty. */
    String take() {
        String message = tooLarge ? null : bytes.toString(StandardCharsets.UTF_8);
        bytes.reset();
        tooLarge = false;
        return message;
    }
}
