package io.cxone.kafka.source.avro;

import io.apicurio.registry.resolver.DefaultSchemaResolver;
import io.apicurio.registry.resolver.SchemaLookupResult;
import io.apicurio.registry.resolver.SchemaParser;
import io.apicurio.registry.resolver.data.Record;
import io.apicurio.registry.serde.data.KafkaSerdeMetadata;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericContainer;

/**
 * Apicurio's {@link DefaultSchemaResolver} that remembers, per topic, key/value side and Avro schema, the lookup it
 * already made, so a record whose schema was resolved before costs one map look-up instead of rebuilding the schema's
 * JSON text. Configured on the Apicurio {@code AvroConverter} with
 * {@code value.converter.apicurio.registry.schema-resolver=io.cxone.kafka.source.avro.CachingSchemaResolver}; the
 * bytes written are unchanged (the same lookup result, hence the same Confluent id, that the default resolver
 * returns).
 *
 * <p>Why (Apicurio 2.6.13, read from the jars): with auto-registration and the default {@code TopicIdStrategy},
 * {@code DefaultSchemaResolver.resolveSchema} first looks in its cache by artifact coordinates (group,
 * {@code <topic>-value}, version {@code null}). That look-up never hits: the cache indexes a result under the coordinates
 * of the result (version {@code "1"}, ...), and stores the versionless lookup key only when the loader was keyed by
 * coordinates, while auto-registration loads by content. So every record goes on to
 * {@code AvroSchemaParser.getSchemaFromData}, which walks the schema for references and serialises it with
 * {@code Schema.toString} (the whole schema as JSON text through a Jackson generator, and a byte copy of it), only to
 * find the same content in the cache by that string (itself rebuilt per record from those bytes). In the webhook
 * benchmark's JVM (broker, worker, load generator) that was 48% of all sampled allocation and 23% of the CPU samples
 * (JFR); with this class, 0.1% and 0.3%.
 *
 * <p>Entries follow Apicurio's own cache lifetime ({@code apicurio.registry.check-period-ms}, 30 s by default): an
 * entry older than that goes through the default resolver again, which refreshes its own cache as it always did.
 * Records whose payload is not an Avro {@link GenericContainer} (a reflect datum provider) or that do not come from
 * a Kafka serializer are resolved by the default resolver every time. The key holds everything Apicurio's artifact
 * strategies read (topic, key or value, the schema); a custom strategy that reads headers must not use this class.
 */
public class CachingSchemaResolver<T> extends DefaultSchemaResolver<Schema, T> {

    /** Distinct schemas per converter are few (one per event shape); the bound only guards against a runaway producer. */
    static final int MAX_ENTRIES = 1024;

    private final Map<Key, Lookup> lookups = new ConcurrentHashMap<>();
    private final LongSupplier nanoClock;
    private long lifetimeNanos;

    public CachingSchemaResolver() {
        this(System::nanoTime);
    }

    CachingSchemaResolver(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    @Override
    public void configure(Map<String, ?> configs, SchemaParser<Schema, T> schemaParser) {
        super.configure(configs, schemaParser);
        lifetimeNanos = config.getCheckPeriod().toNanos();
    }

    @Override
    public SchemaLookupResult<Schema> resolveSchema(Record<T> data) {
        if (!(data.metadata() instanceof KafkaSerdeMetadata metadata)
                || !(data.payload() instanceof GenericContainer container)) {
            return super.resolveSchema(data);
        }
        // Avro's Schema caches its hash code and equals() starts with identity: AvroData hands out the same Schema
        // instance for the same Connect schema, so this costs no schema walk.
        Key key = new Key(metadata.getTopic(), metadata.isKey(), container.getSchema());
        long now = nanoClock.getAsLong();
        Lookup known = lookups.get(key);
        if (known != null && now - known.resolvedAt < lifetimeNanos) {
            return known.result;
        }
        SchemaLookupResult<Schema> result = super.resolveSchema(data);
        if (known == null && lookups.size() >= MAX_ENTRIES) {
            lookups.clear();
        }
        lookups.put(key, new Lookup(result, now));
        return result;
    }

    @Override
    public void reset() {
        lookups.clear();
        super.reset();
    }

    private record Key(String topic, boolean isKey, Schema schema) {}

    private record Lookup(SchemaLookupResult<Schema> result, long resolvedAt) {}
}
