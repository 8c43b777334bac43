package io.cxone.kafka.source.webhook;

import io.cxone.kafka.common.PluginVersion;
import io.cxone.kafka.common.RejectionLog;
import io.cxone.kafka.common.config.ConfigEnums;
import io.cxone.kafka.common.metrics.PluginSensors;
import io.cxone.kafka.common.threads.PluginThreads;
import io.cxone.kafka.source.avro.AvroConnectMapping;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.eclipse.jetty.server.Handler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the webhook listener and hands accepted requests to the worker: {@link #poll()} returns whole requests,
 * {@link #commitRecord} acknowledges each event once Kafka has it (with exactly-once support: once its
 * transaction committed), and the request's HTTP answer is written when its last event is acknowledged.
 */
public class CxoneWebhookSourceTask extends SourceTask {

    private static final Logger log = LoggerFactory.getLogger(CxoneWebhookSourceTask.class);
    private static final long POLL_WAIT_MS = 200;

    private WebhookConfig config;
    private IngestQueue queue;
    private WebhookListener listener;
    private ScheduledThreadPoolExecutor timer;
    private DeadLetterPublisher deadLetters;
    private WebhookMetrics metrics;
    private RejectionLog rejections;
    private DedupeTopicReader dedupeReader;
    private HealthHandler health;
    private final Set<PendingRequest> handedOver = ConcurrentHashMap.newKeySet();

    @Override
    public void start(Map<String, String> props) {
        config = new WebhookConfigValidator().parseValid(props);
        Schema schema = EventSchemaSource.load(config);
        AvroConnectMapping mapping = AvroConnectMapping.of(schema);
        queue = new IngestQueue(config.queueMaxEvents());
        metrics = new WebhookMetrics(PluginSensors.of(context == null ? null : context.pluginMetrics()), queue::depth);
        EventDeduplicator deduplicator = config.dedupeEnabled()
                ? new EventDeduplicator(config.dedupeWindow(), config.dedupeMaxEntries(), Clock.systemUTC())
                : null;
        if (deduplicator != null) {
            metrics.dedupeIds(deduplicator::size);
            if (config.dedupeFromTopic()) {
                dedupeReader = new DedupeTopicReader(
                        config.topic(),
                        config.dedupeConsumerSettings(),
                        deduplicator,
                        config.dedupeWindow(),
                        config.dedupeMaxEntries(),
                        config.taskCount() > 1, // a single task reads back only what it remembers already
                        Clock.systemUTC(),
                        "cxone-webhook-" + config.connectorName() + "-" + config.taskIndex());
                dedupeReader.start();
            }
        }
        deadLetters = config.dlqTopic().isEmpty()
                ? null
                : new DeadLetterPublisher(
                        config.dlqTopic(), config.dlqProducerSettings(), "cxone-webhook-dlq-" + config.taskIndex());
        timer = new ScheduledThreadPoolExecutor(1, PluginThreads.daemon("cxone-webhook-timer-" + config.taskIndex()));
        // Ack timeouts: one sweep over the unsettled requests every tenth of ack.timeout.ms (so a timeout fires up to
        // 10% late), instead of a timer per request scheduled and cancelled by every request.
        long sweepMillis = Math.max(10, Math.min(1000, config.ackTimeout().toMillis() / 10));
        timer.scheduleWithFixedDelay(this::expireOverdue, sweepMillis, sweepMillis, TimeUnit.MILLISECONDS);
        rejections = new RejectionLog("webhook request");
        timer.scheduleWithFixedDelay(
                rejections::endInterval,
                RejectionLog.INTERVAL_MILLIS,
                RejectionLog.INTERVAL_MILLIS,
                TimeUnit.MILLISECONDS);
        EventBodyDecoder decoder = new EventBodyDecoder(
                schema, config.requestMaxEvents(), config.requestMaxDecodedBytes(), config.ignoreUnknownJsonFields());
        WebhookRequestHandler handler = new WebhookRequestHandler(
                config,
                new RequestAuthenticator(config, Clock.systemUTC()),
                decoder::decode,
                mapping,
                queue,
                deduplicator,
                deadLetters,
                metrics,
                rejections,
                Clock.systemUTC());
        String threadName = "cxone-webhook-http-" + config.taskIndex();
        health = new HealthHandler(config.connectorName(), config.taskIndex());
        listener = new WebhookListener(
                config,
                new Handler.Sequence(health, handler),
                new JsonErrorHandler(metrics, rejections),
                threadName,
                PluginThreads.daemon(threadName + "-%d"));
        if (dedupeReader != null) {
            // the listener opens once the window holds the events published before this start (or the wait ends)
            dedupeReader.awaitRebuilt(config.dedupeRebuildTimeout());
        }
        listener.start();
        log.info(
                "webhook task {} listening on {}{} (topic {}, schema {}, auth {}, queue {} events, ack timeout {} ms, dedupe {})",
                config.taskIndex(),
                listener.describe(),
                config.path(),
                config.topic(),
                schema.getFullName(),
                ConfigEnums.configName(config.authMode()),
                config.queueMaxEvents(),
                config.ackTimeout().toMillis(),
                dedupeMode());
    }

    @Override
    public List<SourceRecord> poll() throws InterruptedException {
        List<PendingRequest> requests = queue.take(
                config.pollMaxEvents(), POLL_WAIT_MS, config.pollLinger().toNanos());
        if (requests.isEmpty()) {
            return null;
        }
        List<SourceRecord> records = new ArrayList<>();
        for (PendingRequest request : requests) {
            handedOver.add(request);
            request.acked().whenComplete((metadata, error) -> handedOver.remove(request));
            records.addAll(request.records());
        }
        if (records.isEmpty()) {
            return null; // every request taken had been withdrawn (ack timeout) meanwhile
        }
        metrics.polled(records.size());
        return records;
    }

    @Override
    public void commitRecord(SourceRecord record, RecordMetadata metadata) {
        if (record instanceof WebhookRecord webhookRecord) {
            webhookRecord.request().ack(webhookRecord.index(), metadata);
        }
    }

    private String dedupeMode() {
        if (!config.dedupeEnabled()) {
            return "off";
        }
        String window = config.dedupeWindow().toMillis() + " ms";
        if (dedupeReader == null) {
            return window + ", this task's events only";
        }
        return window + (config.taskCount() > 1 ? ", from the topic, following the other tasks" : ", from the topic");
    }

    /** Answers 503 for requests Kafka has not acknowledged within ack.timeout.ms (withdrawing those still queued). */
    private void expireOverdue() {
        long now = System.nanoTime();
        try {
            queue.forEachQueued(request -> request.expireIfOverdue(now));
            for (PendingRequest request : handedOver) {
                request.expireIfOverdue(now);
            }
        } catch (RuntimeException e) {
            log.error(
                    "webhook task {}: ack timeout sweep failed",
                    config.taskIndex(),
                    e); // thrown, it would stop the sweeps
        }
    }

    /** The bound port of the listener, for tests using listener.port=0. */
    int listenerPort() {
        return listener.port();
    }

    @Override
    public void stop() {
        if (listener == null) {
            if (dedupeReader != null) {
                dedupeReader.close(); // start() failed before its listener was made
            }
            return;
        }
        health.stopping();
        for (PendingRequest request : queue.drainQueued()) {
            request.withdraw("the webhook task is stopping");
        }
        for (PendingRequest request : handedOver) {
            request.fail("the webhook task stopped before Kafka acknowledged; the events may still be published");
        }
        listener.stop();
        for (PendingRequest request : queue.drainQueued()) {
            request.withdraw("the webhook task is stopping"); // accepted while the listener was closing
        }
        timer.shutdownNow();
        if (dedupeReader != null) {
            dedupeReader.close();
        }
        rejections.endInterval();
        if (deadLetters != null) {
            deadLetters.close();
        }
        metrics.close();
        log.info("webhook task {} stopped", config.taskIndex());
    }

    @Override
    public String version() {
        return PluginVersion.get();
    }
}
