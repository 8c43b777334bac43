/**
 * The CXone simulator: a real HTTP server on loopback that serves the seed "records" API and the real
 * CXone OIDC + Data Extraction API with fault injection, so the source connectors can be tested without
 * the SaaS. Built under the export-connector issue; {@code ./stack up} starts it once its main class exists.
 */
package io.cxone.kafka.simulator;
