package io.cxone.kafka.simulator.data;

import java.util.Locale;

/**
 * A change of the row shape from global row {@code fromRow} on: a field added, removed or given another type.
 * {@code newType} is the type of an added field or the new type of a retyped one.
 */
public record SchemaDrift(Change change, String field, FieldType newType, long fromRow) {

    public enum Change {
        ADD,
        REMOVE,
        RETYPE;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public boolean appliesToRow(long rowIndex) {
        return rowIndex >= fromRow;
    }
}
