package io.cxone.kafka.source.webhook;

import io.cxone.kafka.common.RejectionLog;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Answers the errors Jetty raises itself, before the webhook handler sees a request (a bad request line 400, URI too
 * long 414, headers too large 431, an HTTP/2 preface or request line on this HTTP/1.1 listener 426, an unknown HTTP
 * version 505, ...), with the same JSON body as the webhook's own rejections: {@code {"status", "error"}}. Jetty's
 * default error page is HTML, and is left empty for methods other than GET, POST and HEAD and when Accept does not
 * name HTML, so such answers came without a reason.
 */
final class JsonErrorHandler extends ErrorHandler {

    private final WebhookMetrics metrics;
    private final RejectionLog rejections;

    JsonErrorHandler(WebhookMetrics metrics, RejectionLog rejections) {
        this.metrics = metrics;
        this.rejections = rejections;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        int status = response.getStatus();
        String message = (String) request.getAttribute(ERROR_MESSAGE);
        Throwable cause = (Throwable) request.getAttribute(ERROR_EXCEPTION);
        if (cause instanceof HttpException httpException) {
            status = httpException.getCode();
            response.setStatus(status);
            if (message == null) {
                message = httpException.getReason();
            }
        }
        String reason = reason(status, message);
        metrics.request(status);
        rejections.rejected("-", Request.getRemoteAddr(request), status, reason);
        if (HttpStatus.hasNoBody(status) || HttpMethod.HEAD.is(request.getMethod())) {
            callback.succeeded();
            return true;
        }
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.write(true, ByteBuffer.wrap(WebhookAnswers.rejectionBody(status, reason, null)), callback);
        return true;
    }

    /** Jetty's message, with what to do instead where the message alone does not say. */
    static String reason(int status, String message) {
        String text = message == null || message.isBlank() ? HttpStatus.getMessage(status) : message;
        return switch (status) {
            case 426 -> text + ": this listener speaks HTTP/1.1 (no HTTP/2 over plain text); send HTTP/1.1 requests";
            case 505 -> text + ": send HTTP/1.1 requests";
            case 431 -> text + ": request headers are larger than the listener accepts";
            case 414 -> text + ": the request URI is longer than the listener accepts";
            default -> text;
        };
    }
}
