package io.cxone.kafka.sink.elasticsearch;

import java.nio.ByteBuffer;
import java.util.Base64;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * The document id of a record. {@code key.ignore=true}: {@code topic+partition+offset}, so a replay of the same
 * offsets overwrites instead of duplicating. Otherwise the record key, which must be a primitive (string, number,
 * boolean or bytes, the latter base64): a struct or map key has no stable text form and is rejected.
 */
public final class DocumentIds {

    private final boolean keyIgnore;

    public DocumentIds(boolean keyIgnore) {
        this.keyIgnore = keyIgnore;
    }

    public String id(SinkRecord record) {
        if (keyIgnore) {
            return offsetId(record);
        }
        return keyId(record.keySchema(), record.key(), record);
    }

    public static String offsetId(SinkRecord record) {
        return record.topic() + "+" + record.kafkaPartition() + "+" + record.kafkaOffset();
    }

    private static String keyId(Schema schema, Object key, SinkRecord record) {
        if (key == null) {
            throw new DataException(
                    "record " + offsetId(record) + " has a null key; set key.ignore=true or give records keys");
        }
        Schema.Type type = schema != null ? schema.type() : null;
        if (type == Schema.Type.STRUCT
                || type == Schema.Type.MAP
                || type == Schema.Type.ARRAY
                || key instanceof java.util.Map
                || key instanceof java.util.Collection
                || key instanceof org.apache.kafka.connect.data.Struct) {
            throw new DataException("record " + offsetId(record) + " has a "
                    + (type != null ? type : key.getClass().getSimpleName())
                    + " key; only primitive keys can be document ids (or set key.ignore=true)");
        }
        if (key instanceof byte[] bytes) {
            return Base64.getEncoder().encodeToString(bytes);
        }
        if (key instanceof ByteBuffer buffer) {
            ByteBuffer copy = buffer.duplicate();
            byte[] bytes = new byte[copy.remaining()];
            copy.get(bytes);
            return Base64.getEncoder().encodeToString(bytes);
        }
        String id = key.toString();
        if (id.isEmpty()) {
            throw new DataException("record " + offsetId(record) + " has an empty key");
        }
        return id;
    }
}
