/**
 * One client's session, whatever carries it (a {@link io.cxone.kafka.bridge.session.ClientTransport}): its
 * subscriptions and the order in which they are applied, where its feeds and readers deliver its records, and the
 * WebSocket transport (subscribe messages in, record, control and error frames out, close).
 */
package io.cxone.kafka.bridge.session;
