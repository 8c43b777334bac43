package io.cxone.kafka.sink.elasticsearch;

import static io.cxone.kafka.sink.elasticsearch.ElasticsearchSinkConfig.HEADERS_FIELD_NAME;
import static io.cxone.kafka.sink.elasticsearch.ElasticsearchSinkConfig.HEADERS_INCLUDE;
import static io.cxone.kafka.sink.elasticsearch.ElasticsearchSinkConfig.HEADERS_VALUE_MAX_CHARS;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;

/** Settings of the record headers copied into each document, under one object field mapped as keywords. */
final class HeaderSettings {

    private static final String GROUP = "Record headers";

    static final int MAX_HEADERS = 32;
    static final int MAX_NAME_CHARS = 255;
    /**
     * Elasticsearch turns each dot of a field name into one more object level; 10 parts stay well inside its default
     * {@code index.mapping.depth.limit} (20) beside the value's own objects.
     */
    static final int MAX_NAME_PARTS = 10;

    private HeaderSettings() {}

    static void define(ConfigDef def) {
        int order = 0;
        def.define(
                HEADERS_INCLUDE,
                Type.LIST,
                "",
                new HeaderNamesValidator(),
                Importance.MEDIUM,
                "Record headers copied into each document, comma-separated (e.g. cxone.job.id,cxone.chunk.sha256), as "
                        + "text fields of the object headers.field.name, mapped as keyword in the mapping derived from "
                        + "the value schema. A header a record lacks is omitted; of repeated headers the last counts. "
                        + "Empty: no headers are copied.",
                GROUP,
                ++order,
                Width.LONG,
                "Headers to copy");
        def.define(
                HEADERS_FIELD_NAME,
                Type.STRING,
                "kafka_headers",
                new ObjectNameValidator(),
                Importance.LOW,
                "Top-level field of the document that holds the copied headers. A record whose value already has a "
                        + "field of this name is refused naming this setting: the task fails when the mapping is derived "
                        + "from the value schema, otherwise the document is rejected as malformed.",
                GROUP,
                ++order,
                Width.MEDIUM,
                "Headers field name");
        def.define(
                HEADERS_VALUE_MAX_CHARS,
                Type.INT,
                1024,
                ConfigDef.Range.between(1, 8192),
                Importance.LOW,
                "Longest header value copied, in characters of its text; a longer value is left out of the document "
                        + "(never cut, so a term query never matches a partial value), with one WARN line per header "
                        + "name. At most 8192, which keeps any value under Elasticsearch's keyword term limit.",
                GROUP,
                ++order,
                Width.SHORT,
                "Max header value length");
    }

    /**
     * Header names that can all be keyword fields of one object: Elasticsearch reads each dot as an object level, so
     * parts must not be empty and one name must not be the object of another ({@code a} and {@code a.b}).
     */
    static final class HeaderNamesValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            List<?> names = (List<?>) value;
            if (names.size() > MAX_HEADERS) {
                throw new ConfigException(name, names.size(), "at most " + MAX_HEADERS + " headers");
            }
            Set<String> seen = new HashSet<>();
            for (Object entry : names) {
                String header = String.valueOf(entry).trim();
                checkFieldName(name, header, true);
                if (!seen.add(header)) {
                    throw new ConfigException(name, header, "listed twice");
                }
            }
            for (String header : seen) {
                for (String other : seen) {
                    if (other.startsWith(header + ".")) {
                        throw new ConfigException(
                                name,
                                header,
                                "both " + header + " and " + other
                                        + " cannot be fields: Elasticsearch needs " + header + " as the object of "
                                        + other);
                    }
                }
            }
        }

        @Override
        public String toString() {
            return "at most " + MAX_HEADERS + " header names of 1-" + MAX_NAME_CHARS + " characters, at most "
                    + MAX_NAME_PARTS + " non-empty dot-separated parts, none the dotted prefix of another";
        }
    }

    /** One top-level field, not an Elasticsearch metadata field. */
    static final class ObjectNameValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            String field = value == null ? "" : value.toString().trim();
            checkFieldName(name, field, false);
            if (field.startsWith("_")) {
                throw new ConfigException(name, field, "names starting with _ are Elasticsearch's metadata fields");
            }
        }

        @Override
        public String toString() {
            return "a field name of 1-" + MAX_NAME_CHARS + " characters without dots, not starting with _";
        }
    }

    private static void checkFieldName(String setting, String field, boolean dotsAllowed) {
        if (field.isEmpty() || field.length() > MAX_NAME_CHARS) {
            throw new ConfigException(setting, field, "must have 1-" + MAX_NAME_CHARS + " characters");
        }
        if (!dotsAllowed && field.contains(".")) {
            throw new ConfigException(setting, field, "must be one field: no dots");
        }
        String[] parts = field.split("\\.", -1);
        if (parts.length > MAX_NAME_PARTS) {
            throw new ConfigException(setting, field, "at most " + MAX_NAME_PARTS + " dot-separated parts");
        }
        for (String part : parts) {
            if (part.isBlank()) {
                throw new ConfigException(setting, field, "empty or blank part between dots");
            }
        }
    }
}
