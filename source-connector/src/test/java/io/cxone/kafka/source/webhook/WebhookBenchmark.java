package io.cxone.kafka.source.webhook;

import io.cxone.kafka.stack.TestServices;
import org.apache.avro.generic.GenericRecord;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Throughput and acknowledgement latency of the webhook on the embedded cluster (not a test: run by hand).
 * N concurrent clients post small Avro events for the given seconds, first one event per request
 * (application/avro), then container files of {@code batch} events (avro/binary); latency is measured per
 * request, from send to the 200 that follows Kafka's acknowledgement.
 *
 * <pre>
 * cd source-connector &amp;&amp; mvn -q test-compile dependency:build-classpath -Dmdep.outputFile=target/test-cp.txt -Dmdep.includeScope=test
 * java -cp target/test-classes:target/classes:$(cat target/test-cp.txt) io.cxone.kafka.source.webhook.WebhookBenchmark [clients] [seconds] [batch]
 * </pre>
 */
public final class WebhookBenchmark {

    private WebhookBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int clients = args.length > 0 ? Integer.parseInt(args[0]) : 64;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        int batch = args.length > 2 ? Integer.parseInt(args[2]) : 50;
        TestServices.startRegistry();
        WebhookTestSupport.Webhook webhook = WebhookTestSupport.start("wh-bench", Map.of(
                WebhookConfig.QUEUE_MAX_EVENTS, "100000",
                WebhookConfig.REQUEST_MAX_EVENTS, "1000",
                WebhookConfig.MAX_THREADS, Integer.toString(Math.max(clients + 16, 64))));
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

        run("warm-up", http, webhook, clients, 5, 1);
        run("one event per request (application/avro)", http, webhook, clients, seconds, 1);
        run("container files of " + batch + " events (avro/binary)", http, webhook, clients, seconds, batch);
        System.exit(0);
    }

    private static void run(String label, HttpClient http, WebhookTestSupport.Webhook webhook, int clients, int seconds,
                            int batch) throws Exception {
        AtomicLong events = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        ConcurrentLinkedQueue<long[]> latencies = new ConcurrentLinkedQueue<>();
        long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        CountDownLatch done = new CountDownLatch(clients);
        long started = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            int client = c;
            Thread thread = new Thread(() -> {
                List<Long> mine = new ArrayList<>();
                long n = 0;
                try {
                    while (System.nanoTime() < end) {
                        byte[] body;
                        String type;
                        if (batch == 1) {
                            body = WebhookTestSupport.datum(WebhookTestSupport.event("bench-" + client + "-" + n++, "BENCH"));
                            type = "application/avro";
                        } else {
                            List<GenericRecord> records = new ArrayList<>(batch);
                            for (int i = 0; i < batch; i++) {
                                records.add(WebhookTestSupport.event("bench-" + client + "-" + n++, "BENCH"));
                            }
                            body = WebhookTestSupport.container(WebhookTestSupport.EVENT_SCHEMA, records);
                            type = "avro/binary";
                        }
                        long t0 = System.nanoTime();
                        HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create(webhook.url()))
                                .header("Content-Type", type).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                                HttpResponse.BodyHandlers.discarding());
                        long micros = (System.nanoTime() - t0) / 1000;
                        if (response.statusCode() == 200) {
                            events.addAndGet(batch);
                            mine.add(micros);
                        } else {
                            failures.incrementAndGet();
                        }
                    }
                } catch (Exception e) {
                    failures.incrementAndGet();
                } finally {
                    latencies.add(mine.stream().mapToLong(Long::longValue).toArray());
                    done.countDown();
                }
            }, "bench-client-" + c);
            thread.start();
        }
        done.await();
        double elapsed = (System.nanoTime() - started) / 1e9;
        long[] all = latencies.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        System.out.printf("%s: %d clients, %.1f s: %d events acknowledged = %.0f events/s, %d requests, %d failed;"
                        + " ack latency p50 %.1f ms, p99 %.1f ms%n",
                label, clients, elapsed, events.get(), events.get() / elapsed, all.length, failures.get(),
                percentile(all, 0.50) / 1000.0, percentile(all, 0.99) / 1000.0);
    }

    private static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }
}
