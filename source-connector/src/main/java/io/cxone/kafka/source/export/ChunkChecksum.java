package io.cxone.kafka.source.export;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;

/**
 * SHA-256 of a chunk over a canonical encoding of its rows as CXone sent them (before typing): each row as
 * compact JSON with object keys sorted, UTF-8, followed by one newline, rows in order. The same rows give
 * the same digest whatever order the API put the keys in, so a re-read of a committed chunk proves whether
 * the source still holds the same data.
 */
public final class ChunkChecksum {

    private static final ObjectMapper CANONICAL = JsonMapper.builder()
            .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    private ChunkChecksum() {
    }

    public static String sha256(List<? extends JsonNode> rows) {
        MessageDigest digest = newDigest();
        for (JsonNode row : rows) {
            digest.update(canonical(row).getBytes(StandardCharsets.UTF_8));
            digest.update((byte) '\n');
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Compact JSON with keys sorted at every level. */
    static String canonical(JsonNode row) {
        try {
            return CANONICAL.writeValueAsString(sorted(row));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("row cannot be encoded as JSON: " + e.getMessage(), e);
        }
    }

    private static Object sorted(JsonNode node) {
        if (node instanceof ObjectNode object) {
            TreeMap<String, Object> map = new TreeMap<>();
            object.fields().forEachRemaining(e -> map.put(e.getKey(), sorted(e.getValue())));
            return map;
        }
        if (node.isArray()) {
            return java.util.stream.StreamSupport.stream(node.spliterator(), false).map(ChunkChecksum::sorted).toList();
        }
        return node;
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
