/**
 * Group mode: a connection with its own consumer in a Kafka consumer group, committing only what was written to
 * its socket.
 */
package io.cxone.kafka.bridge.group;
