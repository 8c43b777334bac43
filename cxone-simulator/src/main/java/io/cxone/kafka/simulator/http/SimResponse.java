package io.cxone.kafka.simulator.http;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A response: status, headers and either body bytes (buffered, so faults can rewrite it before it is sent) or a
 * {@link BodyWriter} that streams a body too large to buffer (sent chunked, without Content-Length).
 */
public final class SimResponse {
    public static final String JSON = "application/json";

    /** Writes a streamed body. Throwing after some bytes were written makes the server drop the connection. */
    @FunctionalInterface
    public interface BodyWriter {
        void writeTo(OutputStream out) throws IOException;
    }

    private static final byte[] NO_BYTES = new byte[0];
    private BodyWriter streamingBody;

    private final int status;
    private final String contentType;
    private byte[] body;
    private final Map<String, String> headers = new LinkedHashMap<>();

    public SimResponse(int status, String contentType, byte[] body) {
        this.status = status;
        this.contentType = contentType;
        this.body = body;
    }

    public static SimResponse json(int status, Object value) {
        return new SimResponse(status, JSON, Json.bytes(value));
    }

    public static SimResponse text(int status, String text) {
        return new SimResponse(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
    }

    public static SimResponse streaming(int status, String contentType, BodyWriter writer) {
        SimResponse response = new SimResponse(status, contentType, NO_BYTES);
        response.streamingBody = writer;
        return response;
    }

    /** Null for a buffered response. */
    public BodyWriter streamingBody() {
        return streamingBody;
    }

    public SimResponse header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    public int status() {
        return status;
    }

    public boolean isSuccess() {
        return status >= 200 && status < 300;
    }

    public boolean isJson() {
        return contentType != null && contentType.startsWith(JSON);
    }

    public String contentType() {
        return contentType;
    }

    public byte[] body() {
        return body;
    }

    public void replaceBody(byte[] newBody) {
        this.body = newBody;
    }

    public Map<String, String> headers() {
        return headers;
    }
}
