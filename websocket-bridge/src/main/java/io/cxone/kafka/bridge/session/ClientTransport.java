package io.cxone.kafka.bridge.session;

import io.cxone.kafka.bridge.frame.Outbox;

/**
 * How one {@link ClientConnection}'s frames reach its client: a WebSocket or a Server-Sent Events response. The
 * connection's {@link Outbox} writes through it, one frame in flight at a time; the transport tells the connection
 * when it opened and when it is gone ({@link ClientConnection#opened}, {@link ClientConnection#closed}).
 */
public interface ClientTransport extends Outbox.Sink {

    /** The connection this transport carries; set once, before the transport opens. */
    void attach(ClientConnection connection);

    /** For the connection's log lines: the kind of transport and what it negotiated. */
    String describe();

    /**
     * Ends the connection from the server's side: a WebSocket close frame with this code and reason; an SSE stream
     * ends after the write in flight. The transport then reports {@link ClientConnection#closed}.
     */
    void close(int code, String reason);

    /**
     * Refuses the connection's subscription before anything was sent, if the transport can say so itself (an SSE
     * response that has not started answers with an HTTP error status); false when the refusal has to be an error
     * frame followed by {@link #close}.
     */
    default boolean refuse(String code, String message) {
        return false;
    }
}
