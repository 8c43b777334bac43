package io.cxone.kafka.source.avro;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.apicurio.registry.resolver.DefaultSchemaResolver;
import io.apicurio.registry.resolver.ParsedSchema;
import io.apicurio.registry.resolver.SchemaLookupResult;
import io.apicurio.registry.resolver.SchemaResolver;
import io.apicurio.registry.resolver.data.Record;
import io.apicurio.registry.serde.avro.AvroSchemaParser;
import io.apicurio.registry.serde.avro.DefaultAvroDatumProvider;
import io.apicurio.registry.serde.data.KafkaSerdeMetadata;
import io.apicurio.registry.serde.data.KafkaSerdeRecord;
import io.apicurio.registry.serde.strategy.TopicIdStrategy;
import io.apicurio.registry.utils.converter.AvroConverter;
import io.cxone.kafka.testkit.TestServices;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link CachingSchemaResolver} on the real registry: the converter as the shipped connector JSONs configure it writes
 * exactly the bytes of Apicurio's default resolver (Confluent wire format, id resolvable through ccompat), and it
 * builds a schema's text once per check period instead of once per record.
 */
class CachingSchemaResolverIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RESOLVER_KEY = "apicurio.registry.schema-resolver";

    @BeforeAll
    static void registry() {
        TestServices.startRegistry();
    }

    @Test
    void bothShippedConnectorsUseTheCachingResolver() throws Exception {
        for (String json : new String[] {"cxone-webhook-source.json", "cxone-export-source.json"}) {
            assertThat(valueConverterSettings(json))
                    .as(json)
                    .containsEntry(RESOLVER_KEY, CachingSchemaResolver.class.getName());
        }
    }

    @Test
    void writesTheSameBytesAsTheDefaultResolverAndANewIdForAnEvolvedSchema() throws Exception {
        String topic = "caching-resolver-bytes";
        Map<String, String> shipped = valueConverterSettings("cxone-webhook-source.json");
        Map<String, String> apicurioDefault = new HashMap<>(shipped);
        apicurioDefault.remove(RESOLVER_KEY);
        AvroConverter caching = converter(shipped);
        AvroConverter plain = converter(apicurioDefault);

        Schema v1 = SchemaBuilder.struct()
                .name("io.cxone.test.CachingResolverEvent")
                .field("id", Schema.STRING_SCHEMA)
                .field("n", Schema.INT64_SCHEMA)
                .build();
        Schema v2 = SchemaBuilder.struct()
                .name("io.cxone.test.CachingResolverEvent")
                .field("id", Schema.STRING_SCHEMA)
                .field("n", Schema.INT64_SCHEMA)
                .field("note", Schema.OPTIONAL_STRING_SCHEMA)
                .build();
        byte[] first = null;
        for (int i = 0; i < 3; i++) { // repeated records take the cached path
            Struct event = new Struct(v1).put("id", "e-" + i).put("n", (long) i);
            byte[] bytes = caching.fromConnectData(topic, v1, event);
            assertThat(bytes).isEqualTo(plain.fromConnectData(topic, v1, event));
            GenericRecord decoded = decodeThroughCcompat(bytes);
            assertThat(decoded.get("id").toString()).isEqualTo("e-" + i);
            assertThat(decoded.get("n")).isEqualTo((long) i);
            first = bytes;
        }
        Struct evolved = new Struct(v2).put("id", "e-v2").put("n", 7L).put("note", "added field");
        byte[] second = caching.fromConnectData(topic, v2, evolved);
        assertThat(second).isEqualTo(plain.fromConnectData(topic, v2, evolved));
        assertThat(schemaId(second)).isNotEqualTo(schemaId(first));
        assertThat(decodeThroughCcompat(second).get("note").toString()).isEqualTo("added field");
        // the first schema still resolves to its own id after the second was registered
        Struct again = new Struct(v1).put("id", "e-again").put("n", 1L);
        assertThat(schemaId(caching.fromConnectData(topic, v1, again))).isEqualTo(schemaId(first));
    }

    @Test
    void buildsTheSchemaTextOncePerCheckPeriodWhereTheDefaultResolverBuildsItPerRecord() {
        GenericRecord event = event("CountedEvent");
        String topic = "caching-resolver-count";

        CountingParser forDefault = new CountingParser();
        DefaultSchemaResolver<org.apache.avro.Schema, Object> plain = new DefaultSchemaResolver<>();
        plain.configure(resolverConfig(30_000), forDefault);
        long plainId = resolveTimes(plain, topic, event, 100);
        // Apicurio 2.6.13 rebuilds the schema text for every record: the reason CachingSchemaResolver exists. If this
        // fails after an Apicurio upgrade, the default resolver caches by itself and the class can go.
        assertThat(forDefault.calls)
                .as("schema text built by the default resolver")
                .hasValue(100);

        AtomicLong clock = new AtomicLong();
        CountingParser forCaching = new CountingParser();
        CachingSchemaResolver<Object> caching = new CachingSchemaResolver<>(clock::get);
        caching.configure(resolverConfig(30_000), forCaching);
        assertThat(resolveTimes(caching, topic, event, 100)).isEqualTo(plainId);
        assertThat(forCaching.calls)
                .as("schema text built by the caching resolver")
                .hasValue(1);

        clock.addAndGet(TimeUnit.SECONDS.toNanos(29));
        resolveTimes(caching, topic, event, 10);
        assertThat(forCaching.calls).as("within the check period").hasValue(1);
        clock.addAndGet(TimeUnit.SECONDS.toNanos(2));
        assertThat(resolveTimes(caching, topic, event, 10)).isEqualTo(plainId);
        assertThat(forCaching.calls)
                .as("after the check period: resolved again, once")
                .hasValue(2);

        resolveTimes(caching, topic + "-other", event, 10);
        assertThat(forCaching.calls).as("another topic is another subject").hasValue(3);
        caching.reset();
        resolveTimes(caching, topic, event, 10);
        assertThat(forCaching.calls).as("after reset()").hasValue(4);
    }

    @Test
    void withACheckPeriodOfZeroEveryRecordIsResolvedAgainAsApicurioDoes() {
        GenericRecord event = event("UncachedEvent");
        CountingParser parser = new CountingParser();
        CachingSchemaResolver<Object> caching = new CachingSchemaResolver<>(new AtomicLong()::get);
        caching.configure(resolverConfig(0), parser);
        resolveTimes(caching, "caching-resolver-zero", event, 5);
        assertThat(parser.calls).hasValue(5);
    }

    /** A record of a one-field schema named {@code name}, parsed from its text (as a decoder would). */
    private static GenericRecord event(String name) {
        org.apache.avro.Schema schema = new org.apache.avro.Schema.Parser().parse("""
                {"type":"record","name":"%s","namespace":"io.cxone.test","fields":[{"name":"id","type":"string"}]}""".formatted(name));
        GenericRecord event = new GenericData.Record(schema);
        event.put("id", "e-1");
        return event;
    }

    /** Resolves the same record n times; returns the content id, the same every time. */
    private static long resolveTimes(
            SchemaResolver<org.apache.avro.Schema, Object> resolver, String topic, Object event, int n) {
        long id = -1;
        for (int i = 0; i < n; i++) {
            SchemaLookupResult<org.apache.avro.Schema> result = resolver.resolveSchema(
                    new KafkaSerdeRecord<>(new KafkaSerdeMetadata(topic, false, new RecordHeaders()), event));
            assertThat(result.getContentId()).isPositive();
            if (id >= 0) {
                assertThat(result.getContentId()).isEqualTo(id);
            }
            id = result.getContentId();
        }
        return id;
    }

    private static Map<String, Object> resolverConfig(long checkPeriodMs) {
        Map<String, Object> config = new HashMap<>();
        config.put("apicurio.registry.url", TestServices.registry().apicurioApiUrl());
        config.put("apicurio.registry.auto-register", "true");
        config.put("apicurio.registry.artifact-resolver-strategy", TopicIdStrategy.class.getName());
        config.put("apicurio.registry.check-period-ms", Long.toString(checkPeriodMs));
        return config;
    }

    /** Apicurio's Avro schema parser, counting how often it builds a schema's text from a record. */
    private static final class CountingParser extends AvroSchemaParser<Object> {
        final AtomicInteger calls = new AtomicInteger();

        CountingParser() {
            super(new DefaultAvroDatumProvider<>());
        }

        @Override
        public ParsedSchema<org.apache.avro.Schema> getSchemaFromData(Record<Object> data) {
            calls.incrementAndGet();
            return super.getSchemaFromData(data);
        }

        @Override
        public ParsedSchema<org.apache.avro.Schema> getSchemaFromData(Record<Object> data, boolean dereference) {
            if (dereference) { // the one-argument variant counts itself
                calls.incrementAndGet();
                return super.getSchemaFromData(data, true);
            }
            return getSchemaFromData(data);
        }
    }

    /** The {@code value.converter.*} settings of a shipped connector JSON, prefix removed, registry URL of the harness. */
    private static Map<String, String> valueConverterSettings(String file) throws Exception {
        JsonNode config =
                JSON.readTree(Files.readString(Path.of("../connectors", file))).path("config");
        Map<String, String> settings = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = config.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().startsWith("value.converter.")) {
                settings.put(
                        e.getKey().substring("value.converter.".length()),
                        e.getValue().asText());
            }
        }
        settings.put("apicurio.registry.url", TestServices.registry().apicurioApiUrl());
        return settings;
    }

    private static AvroConverter converter(Map<String, String> settings) {
        AvroConverter converter = new AvroConverter();
        converter.configure(settings, false);
        return converter;
    }

    private static int schemaId(byte[] value) {
        ByteBuffer bytes = ByteBuffer.wrap(value);
        assertThat(bytes.get()).as("magic byte").isZero();
        return bytes.getInt();
    }

    private static GenericRecord decodeThroughCcompat(byte[] value) throws Exception {
        int id = schemaId(value);
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(
                                        URI.create(TestServices.registry().ccompatUrl() + "/schemas/ids/" + id))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("ccompat /schemas/ids/" + id).isEqualTo(200);
        org.apache.avro.Schema schema = new org.apache.avro.Schema.Parser()
                .parse(JSON.readTree(response.body()).get("schema").asText());
        byte[] payload = Arrays.copyOfRange(value, 5, value.length);
        return new GenericDatumReader<GenericRecord>(schema)
                .read(null, DecoderFactory.get().binaryDecoder(payload, null));
    }
}
