/**
 * One WebSocket client's session: the frame protocol on its socket (subscribe messages in, record, control and
 * error frames out, close), the order in which its subscriptions are applied, and where its feeds and readers
 * deliver its records.
 */
package io.cxone.kafka.bridge.session;
