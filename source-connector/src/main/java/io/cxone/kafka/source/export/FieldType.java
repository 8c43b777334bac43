package io.cxone.kafka.source.export;

import com.fasterxml.jackson.databind.JsonNode;

/** The type of one exported field, as seen in the data (JSON) or configured (CSV columns). */
public enum FieldType {
    STRING,
    LONG,
    DOUBLE,
    BOOLEAN,
    TIMESTAMP,
    /** Nested object or array: carried as its JSON text. */
    JSON,
    /** Only nulls seen so far: compatible with any type. */
    UNKNOWN;

    public static FieldType of(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return UNKNOWN;
        }
        if (value.isBoolean()) {
            return BOOLEAN;
        }
        if (value.isIntegralNumber()) {
            return LONG;
        }
        if (value.isNumber()) {
            return DOUBLE;
        }
        if (value.isContainerNode()) {
            return JSON;
        }
        return STRING;
    }

    /** The type that holds values of both; integers widen to doubles, anything else mixed becomes STRING. */
    public FieldType merge(FieldType other) {
        if (this == other || other == UNKNOWN) {
            return this;
        }
        if (this == UNKNOWN) {
            return other;
        }
        if ((this == LONG && other == DOUBLE) || (this == DOUBLE && other == LONG)) {
            return DOUBLE;
        }
        return STRING;
    }
}
