/**
 * The WebSocket bridge: a Jetty 12 application streaming Kafka records to WebSocket clients as atomic
 * frames. Built under the bridge issue; {@code ./stack up} starts it once its main class exists.
 */
package io.cxone.kafka.bridge;
