/**
 * One client's session, whatever carries it (a WebSocket, or a Server-Sent Events stream of the {@code sse} package):
 * its subscriptions and the order in which they are applied, where its feeds and readers deliver its records, and
 * the WebSocket transport (subscribe messages in, record, control and error frames out, close).
 */
package io.cxone.kafka.bridge.session;
