package io.cxone.kafka.sink.elasticsearch.mapping;

import io.cxone.kafka.sink.elasticsearch.DocumentIds;
import io.cxone.kafka.sink.elasticsearch.ElasticsearchSinkConfig;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.header.Headers;
import org.apache.kafka.connect.sink.SinkRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The record headers a document carries ({@code headers.include}): each as text, under one object field
 * ({@code headers.field.name}) that {@link MappingBuilder} maps as keywords, so one mapping holds whatever type a
 * header converter gives a header. Text is kept as it is; integers and decimals become their plain decimal text,
 * floating-point numbers their shortest plain decimal, booleans {@code true}/{@code false}, Connect dates as the
 * document writer writes them, bytes base64. A header a record lacks, or whose value is null, is left out.
 *
 * <p>Bounded: a value whose text is longer than {@code headers.value.max.chars} is left out rather than cut (a cut
 * value would look real and mislead term queries); so is a struct, map or array, which has no single keyword. Each
 * is logged once per header name. Not thread-safe (one per task).
 */
public final class HeaderFields {

    private static final Logger log = LoggerFactory.getLogger(HeaderFields.class);

    public static final HeaderFields NONE = new HeaderFields("", List.of(), 1, "");

    private final String objectName;
    private final List<String> names;
    private final Map<String, Integer> positions = new HashMap<>();
    private final int maxChars;
    private final String connectorName;
    /** Header names already logged, per reason: at most two lines per configured header. */
    private final Set<String> warned = new HashSet<>();

    public HeaderFields(String objectName, List<String> names, int maxChars, String connectorName) {
        this.objectName = objectName;
        this.names = List.copyOf(names);
        this.maxChars = maxChars;
        this.connectorName = connectorName;
        for (int i = 0; i < this.names.size(); i++) {
            positions.put(this.names.get(i), i);
        }
    }

    public static HeaderFields of(ElasticsearchSinkConfig config, String connectorName) {
        return new HeaderFields(
                config.headersFieldName(), config.headersInclude(), config.headersValueMaxChars(), connectorName);
    }

    public boolean enabled() {
        return !names.isEmpty();
    }

    public String objectName() {
        return objectName;
    }

    public List<String> names() {
        return names;
    }

    /** Why a value with a field named like the headers object cannot be written; names the setting to change. */
    String collision(String what) {
        return what + " has a field " + objectName + ", the object of the copied headers ("
                + ElasticsearchSinkConfig.HEADERS_FIELD_NAME + "=" + objectName + "); set "
                + ElasticsearchSinkConfig.HEADERS_FIELD_NAME + " to a name the records do not use";
    }

    /**
     * The copied headers of a record, header name → text, in {@code headers.include} order; empty when it has none.
     * Of repeated headers the last counts (as {@code Headers.lastWithName}); the headers are read once, whatever
     * their number.
     */
    public Map<String, String> values(SinkRecord record) {
        Headers headers = record.headers();
        if (names.isEmpty() || headers == null || headers.isEmpty()) {
            return Map.of();
        }
        Header[] found = null;
        for (Header header : headers) {
            Integer position = positions.get(header.key());
            if (position != null) {
                if (found == null) {
                    found = new Header[names.size()];
                }
                found[position] = header;
            }
        }
        if (found == null) {
            return Map.of();
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (Header header : found) {
            if (header != null && header.value() != null) {
                String text = text(header, record);
                if (text != null) {
                    values.put(header.key(), text);
                }
            }
        }
        return values;
    }

    private String text(Header header, SinkRecord record) {
        Object value = header.value();
        String text;
        if (value instanceof String s) {
            text = s;
        } else if (value instanceof Long
                || value instanceof Integer
                || value instanceof Short
                || value instanceof Byte) {
            text = value.toString();
        } else if (value instanceof BigDecimal decimal) {
            text = decimal.toPlainString();
        } else if (value instanceof Double || value instanceof Float) {
            text = floating(value.toString());
        } else if (value instanceof Boolean) {
            text = value.toString();
        } else if (value instanceof java.util.Date date) {
            String logical = header.schema() == null ? null : header.schema().name();
            text = logical == null ? null : DocumentWriter.temporal(logical, date);
            if (text == null) {
                text = date.toInstant().toString();
            }
        } else if (value instanceof byte[] || value instanceof ByteBuffer) {
            ByteBuffer bytes =
                    value instanceof byte[] array ? ByteBuffer.wrap(array) : ((ByteBuffer) value).duplicate();
            // Measured before encoding: an oversized value is never encoded.
            long encodedChars = 4L * ((bytes.remaining() + 2) / 3);
            if (encodedChars > maxChars) {
                return tooLong(header, encodedChars, record);
            }
            byte[] raw = new byte[bytes.remaining()];
            bytes.get(raw);
            text = Base64.getEncoder().encodeToString(raw);
        } else {
            warnOnce(
                    header.key(),
                    "type",
                    "connector {}: header {} of record {} holds a {}, which has no single keyword value; it is left "
                            + "out of documents (logged once per header)",
                    connectorName,
                    header.key(),
                    DocumentIds.offsetId(record),
                    header.schema() != null
                            ? header.schema().type().getName()
                            : value.getClass().getSimpleName());
            return null;
        }
        return text.length() > maxChars ? tooLong(header, text.length(), record) : text;
    }

    private String tooLong(Header header, long chars, SinkRecord record) {
        warnOnce(
                header.key(),
                "length",
                "connector {}: header {} of record {} has {} characters, more than {}={}; it is left out of documents "
                        + "that carry such a value (logged once per header)",
                connectorName,
                header.key(),
                DocumentIds.offsetId(record),
                chars,
                ElasticsearchSinkConfig.HEADERS_VALUE_MAX_CHARS,
                maxChars);
        return null;
    }

    /** 1.0E10 → 10000000000, 2.50 → 2.5: the same text as an integer header of the same number. */
    private static String floating(String javaText) {
        if (javaText.equals("NaN") || javaText.endsWith("Infinity")) {
            return javaText;
        }
        return new BigDecimal(javaText).stripTrailingZeros().toPlainString();
    }

    private void warnOnce(String header, String reason, String format, Object... args) {
        if (warned.add(reason + ' ' + header)) {
            log.warn(format, args);
        } else {
            log.debug(format, args);
        }
    }
}
