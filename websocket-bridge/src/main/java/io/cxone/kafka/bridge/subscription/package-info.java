/**
 * What a client may subscribe to and where it starts: parsing subscribe requests (URL or message), tokens and
 * origins ({@link io.cxone.kafka.bridge.subscription.AccessPolicy}), the per-connection checks, and the Kafka
 * Admin look-ups of partitions and start offsets.
 */
package io.cxone.kafka.bridge.subscription;
