/**
 * Server-Sent Events: a client's stream of the WebSocket's frames as events ({@code GET /sse}), and the event id that
 * holds the stream's next offsets, from which a reconnect resumes.
 */
package io.cxone.kafka.bridge.sse;
