package io.cxone.kafka.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.apicurio.registry.utils.converter.AvroConverter;
import io.cxone.kafka.source.export.ChunkPipeline;
import io.cxone.kafka.source.export.JobTally;
import io.cxone.kafka.source.export.Manifest;
import io.cxone.kafka.stack.Ports;
import io.cxone.kafka.testkit.TestServices;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile and broken inputs on real Kafka, registry and Elasticsearch: records in the manifest topic that are not
 * manifests, a window whose records fall short of its manifest, more manifests than allowed, services that do not
 * answer, bad options. Each ends with exit 1 (a disagreement, named) or exit 2 (cannot run, with what to fix).
 */
class ReconcileInputsIT {

    private static EmbeddedConnectCluster connect;
    private static AvroConverter converter;

    @TempDir
    static Path noConnectors;

    @BeforeAll
    static void start() {
        TestServices.startRegistry();
        TestServices.startElasticsearch();
        connect = TestServices.connect();
        converter = new AvroConverter();
        Map<String, Object> config = new HashMap<>();
        TestServices.avroConverter("value.converter").forEach((k, v) -> {
            if (k.startsWith("value.converter.")) {
                config.put(k.substring("value.converter.".length()), v);
            }
        });
        converter.configure(config, false);
    }

    @Test
    void recordsThatAreNotManifestsAreNamedByPartitionAndOffset() throws Exception {
        String manifests = freshTopic("manifests");
        String data = freshTopic("data");
        Schema other = SchemaBuilder.struct()
                .name("io.example.Other")
                .field("api", Schema.STRING_SCHEMA)
                .build();
        try (KafkaProducer<byte[], byte[]> producer = connect.kafka().createProducer(Map.of())) {
            send(producer, manifests, "records/r/empty", manifest("records", "r", "empty", data, 0, List.of()));
            send(producer, manifests, "records/r/garbage", new byte[] {0, 0, 0, 0, 42, 1, 2, 3});
            send(
                    producer,
                    manifests,
                    "records/r/other",
                    converter.fromConnectData(manifests, other, new Struct(other).put("api", "records")));
            Struct badDigest = manifestStruct("records", "r", "bad", data, 1, List.of("abc"));
            badDigest.put("digest_sha256", "not-hex");
            send(
                    producer,
                    manifests,
                    "records/r/bad",
                    converter.fromConnectData(manifests, Manifest.SCHEMA, badDigest));
            send(producer, manifests, null, manifest("records", "r", "nokey", data, 0, List.of()));
            send(producer, manifests, "plain", "not avro at all".getBytes(StandardCharsets.UTF_8));
        }

        ReconcileRun run = ReconcileRun.against(
                noConnectors, "--manifest-topic", manifests, "--index", data + "=" + unique("index"), "--max-ids", "4");

        assertThat(run.code()).as("%s", run).isEqualTo(1);
        assertThat(run.out())
                .containsPattern("records\\s+r\\s+empty\\s+0\\s+0\\s+0\\s+-\\s+ok\\s+ok")
                .contains("5 record(s) of " + manifests + " are not readable manifests")
                .contains("partition 0 offset 1 (key records/r/garbage): not Avro the schema registry can decode")
                .contains("partition 0 offset 2 (key records/r/other): schema io.example.Other is not "
                        + Manifest.SCHEMA_NAME)
                .contains("partition 0 offset 3 (key records/r/bad): field digest_sha256 is not 64 lowercase hex")
                .contains("partition 0 offset 4: it has no key")
                .doesNotContain("offset 5") // --max-ids 4: four listed of five
                .contains("1 window(s): 1 agree, 0 mismatch, 0 sink behind; 1 other problem(s). Not all agree.");
    }

    @Test
    void recordsShortOfTheManifestNameTheWindowAndTheChunk() throws Exception {
        String manifests = freshTopic("manifests");
        String data = freshTopic("data");
        String sha = "a".repeat(64);
        try (KafkaProducer<byte[], byte[]> producer = connect.kafka().createProducer(Map.of())) {
            // a chunk of three rows of which only two reached the topic
            for (int i = 0; i < 2; i++) {
                List<Header> headers = List.of(
                        header(ChunkPipeline.HEADER_JOB_ID, "job-1"),
                        header(ChunkPipeline.HEADER_CHUNK_OFFSET, "0"),
                        header(ChunkPipeline.HEADER_CHUNK_SIZE, "3"),
                        header(ChunkPipeline.HEADER_CHUNK_SHA256, sha));
                producer.send(new ProducerRecord<byte[], byte[]>(data, 0, null, new byte[] {1}, headers))
                        .get();
            }
            send(producer, manifests, "records/r/job-1", manifest("records", "r", "job-1", data, 3, List.of(sha)));
        }

        ReconcileRun run = ReconcileRun.against(
                noConnectors, "--manifest-topic", manifests, "--index", data + "=" + unique("index"));

        assertThat(run.code()).as("%s", run).isEqualTo(1);
        assertThat(run.out())
                .containsPattern("records\\s+r\\s+job-1\\s+3\\s+2\\s+0\\s+-\\s+MISMATCH\\s+MISMATCH")
                .contains("MISMATCH records/r/job-1 (topic " + data)
                .contains("Kafka holds 2 records of the window, the manifest says 3 rows")
                .contains("the chunk at row offset 0 has 2 records in Kafka, its cxone.chunk.size says 3")
                .contains("Elasticsearch lacks 2 document(s) of the window: " + data + "+0+0, " + data + "+0+1");
    }

    @Test
    void moreManifestsThanAllowedStopsTheRun() throws Exception {
        String manifests = freshTopic("manifests");
        String data = freshTopic("data");
        try (KafkaProducer<byte[], byte[]> producer = connect.kafka().createProducer(Map.of())) {
            for (String job : List.of("j1", "j2", "j3")) {
                send(producer, manifests, "records/r/" + job, manifest("records", "r", job, data, 0, List.of()));
            }
        }

        ReconcileRun run = ReconcileRun.against(
                noConnectors, "--manifest-topic", manifests, "--index", data + "=x", "--max-manifests", "2");

        assertThat(run.code()).as("%s", run).isEqualTo(2);
        assertThat(run.err()).contains("more than 2 manifests in " + manifests + " (--max-manifests)");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void servicesThatDoNotAnswerStopTheRunNamingThem() throws Exception {
        String manifests = freshTopic("manifests");
        String data = freshTopic("data");
        try (KafkaProducer<byte[], byte[]> producer = connect.kafka().createProducer(Map.of())) {
            send(producer, manifests, "records/r/j", manifest("records", "r", "j", data, 0, List.of()));
        }
        int closed = Ports.freePort();

        ReconcileRun es = ReconcileRun.against(
                noConnectors,
                "--manifest-topic",
                manifests,
                "--index",
                data + "=x",
                "--elasticsearch-url",
                "http://127.0.0.1:" + closed);
        assertThat(es.code()).as("%s", es).isEqualTo(2);
        assertThat(es.err()).contains("Elasticsearch at http://127.0.0.1:" + closed + " is not reachable");

        ReconcileRun registry = ReconcileRun.against(
                noConnectors,
                "--manifest-topic",
                manifests,
                "--index",
                data + "=x",
                "--registry-url",
                "http://127.0.0.1:" + closed + "/apis/registry/v2");
        assertThat(registry.code()).as("%s", registry).isEqualTo(2);
        assertThat(registry.err())
                .contains("the schema registry at http://127.0.0.1:" + closed + "/apis/registry/v2 could not be used");

        ReconcileRun kafka =
                ReconcileRun.against(noConnectors, "--bootstrap-servers", "127.0.0.1:" + closed, "--timeout", "3");
        assertThat(kafka.code()).as("%s", kafka).isEqualTo(2);
        assertThat(kafka.err()).containsPattern("Kafka at 127.0.0.1:" + closed + " did not answer|gave up after");
    }

    @Test
    void badOptionsAndAMissingManifestTopicExit2() throws Exception {
        ReconcileRun missingTopic = ReconcileRun.against(noConnectors, "--manifest-topic", unique("absent"));
        assertThat(missingTopic.code()).isEqualTo(2);
        assertThat(missingTopic.err()).contains("does not exist").contains("--manifest-topic");

        ReconcileRun noKafka = ReconcileRun.of("--registry-url", "http://x", "--elasticsearch-url", "http://x");
        assertThat(noKafka.code()).isEqualTo(2);
        assertThat(noKafka.err())
                .contains("Missing required option: '--bootstrap-servers")
                .contains("Usage:");

        Path password = Files.writeString(noConnectors.resolve("password"), "secret\n");
        ReconcileRun passwordAlone =
                ReconcileRun.against(noConnectors, "--elasticsearch-password-file", password.toString());
        assertThat(passwordAlone.code()).isEqualTo(2);
        assertThat(passwordAlone.err()).contains("--elasticsearch-password-file needs --elasticsearch-user");

        assertThat(ReconcileRun.against(noConnectors, "--max-ids", "0").err()).contains("--max-ids must be 1..10000");

        Path broken = Files.createDirectory(noConnectors.resolve("broken"));
        Files.writeString(broken.resolve("sink.json"), "{\"name\": \"x\", \"config\": {");
        ReconcileRun brokenJson = ReconcileRun.against(broken);
        assertThat(brokenJson.code()).isEqualTo(2);
        assertThat(brokenJson.err()).contains("cannot read connector JSON " + broken.resolve("sink.json"));
    }

    private static String freshTopic(String base) {
        String topic = unique(base);
        connect.kafka().createTopic(topic, 1);
        return topic;
    }

    private static String unique(String base) {
        return "reconcile-" + base + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static Header header(String name, String value) {
        return new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, String topic, String key, byte[] value)
            throws Exception {
        producer.send(new ProducerRecord<>(topic, 0, key == null ? null : key.getBytes(StandardCharsets.UTF_8), value))
                .get();
    }

    /** A manifest as the export writes it, for {@code rows} rows in one chunk per SHA-256 given. */
    private static byte[] manifest(String api, String source, String job, String topic, long rows, List<String> shas) {
        return converter.fromConnectData("m", Manifest.SCHEMA, manifestStruct(api, source, job, topic, rows, shas));
    }

    private static Struct manifestStruct(
            String api, String source, String job, String topic, long rows, List<String> shas) {
        String digest = "";
        for (String sha : shas) {
            digest = JobTally.chain(digest, sha);
        }
        return new Struct(Manifest.SCHEMA)
                .put("api", api)
                .put("source", source)
                .put("job", job)
                .put("jobs", new ArrayList<>(List.of(job)))
                .put("topic", topic)
                .put("rows", rows)
                .put("chunks", shas.size())
                .put("first_chunk_offset", shas.isEmpty() ? null : 0L)
                .put("last_chunk_offset", shas.isEmpty() ? null : 0L)
                .put("digest_sha256", digest)
                .put("completed_at", new Date());
    }
}
