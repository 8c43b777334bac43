/**
 * The CXone simulator: a real HTTP server on loopback that serves the seed "records" API and the real CXone OIDC +
 * Data Extraction API with deterministic data and fault injection, so the source connectors can be tested without
 * the SaaS. {@link io.cxone.kafka.simulator.CxoneSimulator} embeds it in tests;
 * {@link io.cxone.kafka.simulator.CxoneSimulatorMain} runs it for {@code ./stack up}. See the module's README.md.
 */
package io.cxone.kafka.simulator;
