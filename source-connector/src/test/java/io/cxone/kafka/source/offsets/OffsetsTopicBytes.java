package io.cxone.kafka.source.offsets;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.apache.kafka.connect.json.JsonConverter;

/** Offsets-topic records as the worker writes them: its internal JsonConverter without schemas, keys {@code [connector, partition]}. */
public final class OffsetsTopicBytes {

    private OffsetsTopicBytes() {}

    public static JsonConverter converter(boolean isKey) {
        JsonConverter converter = new JsonConverter();
        converter.configure(Map.of("schemas.enable", "false", "converter.type", isKey ? "key" : "value"), isKey);
        return converter;
    }

    public static String key(String connector, Map<String, ?> partition) {
        return new String(
                converter(true).fromConnectData(connector, null, Arrays.asList(connector, partition)),
                StandardCharsets.UTF_8);
    }

    public static String value(String connector, Map<String, ?> offset) {
        return new String(converter(false).fromConnectData(connector, null, offset), StandardCharsets.UTF_8);
    }

    /** A map as the worker holds it after reading it back from the offsets topic or normalizing a PATCH (a JSON round trip). */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> asTheWorkerReadsIt(Map<String, ?> map) {
        JsonConverter converter = converter(false);
        return (Map<String, Object>) converter
                .toConnectData("c", converter.fromConnectData("c", null, map))
                .value();
    }
}
