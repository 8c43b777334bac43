/**
 * What goes on the wire: record, batch and control frames (sealed with a checksum, Avro values as JSON), a
 * client's frames built from shared encoded records, and its bounded outgoing queue with the slow-client policy.
 */
package io.cxone.kafka.bridge.frame;
