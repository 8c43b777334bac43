/**
 * The WebSocket bridge: a Jetty 12 application streaming Kafka records to WebSocket clients as atomic
 * frames. This package holds the server ({@link io.cxone.kafka.bridge.BridgeServer}: upgrade checks and
 * lifecycle; {@code HttpRoutes}: health, metrics, dashboard), its settings (split by concern into
 * {@code *Settings} fragments behind {@link io.cxone.kafka.bridge.BridgeConfig}), metrics, the settings of its
 * Kafka clients and the schema registry client; the subpackages hold one role each: {@code session} (a client's
 * socket and protocol), {@code subscription} (subscribe requests, access checks, Kafka look-ups), {@code feed}
 * (shared partition feeds), {@code catchup} (resume by offset), {@code group} (group mode) and {@code frame}
 * (encoding, batching, queueing).
 */
package io.cxone.kafka.bridge;
