package io.cxone.kafka.reconcile;

import io.apicurio.registry.utils.converter.AvroConverter;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.connect.data.SchemaAndValue;

/**
 * The manifests in the manifest topic as a compacted topic keeps them: the latest per key ({@code <api>/<source>/<job>}),
 * a null value removing its key. Values are decoded through the schema registry with the export's Avro converter
 * settings. A record that is not a version-1 manifest is reported with its partition and offset, never guessed at.
 */
final class ManifestReader {

    /** What was read: the manifests, and the records that were not readable manifests. */
    record Result(List<WindowManifest> manifests, List<String> unreadable, long unreadableTotal) {}

    private final AvroConverter converter;
    private final String registryUrl;
    private final int maxManifests;
    private final int maxListed;
    private Boolean registryAnswers;

    ManifestReader(Map<String, String> converterConfig, String registryUrl, int maxManifests, int maxListed) {
        this.converter = new AvroConverter();
        this.converter.configure(converterConfig, false);
        this.registryUrl = registryUrl;
        this.maxManifests = maxManifests;
        this.maxListed = maxListed;
    }

    Result read(CommittedTopicReader kafka, String topic) {
        if (!kafka.exists(topic)) {
            throw new ReconcileException("manifest topic " + topic + " does not exist: no export job has completed"
                    + " yet, or the export writes manifests elsewhere (its manifest.topic; --manifest-topic)");
        }
        Map<String, WindowManifest> latest = new LinkedHashMap<>();
        List<String> unreadable = new ArrayList<>();
        long[] unreadableTotal = {0};
        kafka.readAll(topic, record -> {
            String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
            String where = "partition " + record.partition() + " offset " + record.offset();
            if (record.value() == null) {
                if (key != null) {
                    latest.remove(key); // a tombstone: the job's manifest was deleted
                }
                return;
            }
            try {
                if (key == null) {
                    throw new IllegalArgumentException("it has no key");
                }
                WindowManifest manifest =
                        WindowManifest.of(key, decode(topic, record), record.partition(), record.offset());
                latest.remove(key); // re-inserted last: the order of the table follows the topic
                latest.put(key, manifest);
                if (latest.size() > maxManifests) {
                    throw new ReconcileException("more than " + maxManifests + " manifests in " + topic
                            + " (--max-manifests); raise it, memory allowing");
                }
            } catch (IllegalArgumentException | org.apache.kafka.connect.errors.DataException e) {
                unreadableTotal[0]++;
                if (unreadable.size() < maxListed) {
                    unreadable.add(where + (key == null ? "" : " (key " + key + ")") + ": " + e.getMessage());
                }
            } catch (RuntimeException e) {
                throw registryFailure(where, e);
            }
        });
        List<WindowManifest> manifests = new ArrayList<>(latest.values());
        manifests.sort(Comparator.comparing(WindowManifest::api)
                .thenComparing(WindowManifest::source)
                .thenComparing(WindowManifest::completedAt));
        return new Result(manifests, unreadable, unreadableTotal[0]);
    }

    private Object decode(String topic, ConsumerRecord<byte[], byte[]> record) {
        SchemaAndValue decoded;
        try {
            decoded = converter.toConnectData(topic, record.headers(), record.value());
        } catch (RuntimeException e) {
            if (unreachable(e) || !registryAnswers()) {
                throw registryFailure("partition " + record.partition() + " offset " + record.offset(), e);
            }
            throw new IllegalArgumentException("not Avro the schema registry can decode: " + message(e), e);
        }
        return decoded.value();
    }

    /**
     * Whether the registry answers HTTP at all (any status), asked once when a record fails to decode: the converter's
     * errors do not always say whether the record or the registry was at fault, and every record would fail alike.
     */
    private boolean registryAnswers() {
        if (registryAnswers == null) {
            try {
                HttpClient http = HttpClient.newBuilder()
                        .connectTimeout(Duration.ofSeconds(10))
                        .build();
                http.send(
                        HttpRequest.newBuilder(URI.create(registryUrl))
                                .timeout(Duration.ofSeconds(10))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
                registryAnswers = true;
            } catch (IOException | IllegalArgumentException e) {
                registryAnswers = false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                registryAnswers = false;
            }
        }
        return registryAnswers;
    }

    /** A failure of the registry itself (not of one record) stops the run: every other record would fail alike. */
    private ReconcileException registryFailure(String where, RuntimeException e) {
        if (e instanceof ReconcileException r) {
            return r;
        }
        return new ReconcileException(
                "the schema registry at " + registryUrl + " could not be used to decode the manifest at " + where + ": "
                        + message(e) + "; check --registry-url (the Apicurio API, .../apis/registry/v2)",
                e);
    }

    private static boolean unreachable(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConnectException
                    || cause instanceof UnknownHostException
                    || cause instanceof HttpTimeoutException
                    || cause instanceof java.net.SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }

    private static String message(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String own = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        String text = root == e ? own : own + " (" + root + ")";
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }
}
