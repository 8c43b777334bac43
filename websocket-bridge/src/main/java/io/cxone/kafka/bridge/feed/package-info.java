/**
 * The shared partition feeds: one Kafka consumer per topic-partition reads and encodes each record once for every
 * client at its head; clients join at the head or, after catching up, without gap or duplicate. Also what a
 * client's own readers (catch-up, group) have in common, and the count of Kafka consumers against the bridge's
 * limits.
 */
package io.cxone.kafka.bridge.feed;
