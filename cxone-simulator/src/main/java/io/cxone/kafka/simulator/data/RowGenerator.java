package io.cxone.kafka.simulator.data;

import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Deterministic rows. Row {@code i} of a data set is computed from (seed, data set key, i, generation) alone, so a
 * page or file can be produced at any offset, and the same inputs always give identical rows in identical order:
 * the connector re-hashes re-read chunks and compares SHA-256 sums, so any nondeterminism here would look like
 * changed upstream data.
 */
public final class RowGenerator {
    /** A field of this name is the record key: unique per row and stable across generations. */
    public static final String ID_FIELD = "id";

    private final long seed;
    private final List<FieldSpec> shape;

    public RowGenerator(long seed, List<FieldSpec> shape) {
        if (shape.isEmpty()) {
            throw new IllegalArgumentException("row shape must have at least one field");
        }
        this.seed = seed;
        this.shape = List.copyOf(shape);
    }

    public List<FieldSpec> shape() {
        return shape;
    }

    /** Column names of rows generated under {@code drift} (null: none): removed fields gone, added ones last. */
    public List<String> columns(SchemaDrift drift) {
        List<String> columns = new ArrayList<>();
        for (FieldSpec field : shape) {
            if (drift == null
                    || drift.change() != SchemaDrift.Change.REMOVE
                    || !drift.field().equals(field.name())) {
                columns.add(field.name());
            }
        }
        if (drift != null && drift.change() == SchemaDrift.Change.ADD) {
            columns.add(drift.field());
        }
        return columns;
    }

    /**
     * Rows {@code [fromRow, fromRow + count)} of {@code dataSet}.
     *
     * @param generation 0 for the original data; any other value gives different values (same ids), which is how
     *                   "the upstream data changed between two downloads" is simulated
     * @param drift      applied to rows at or after {@code drift.fromRow()}; null for none
     */
    public List<Map<String, Object>> rows(DataSet dataSet, long fromRow, int count, int generation, SchemaDrift drift) {
        List<Map<String, Object>> rows = new ArrayList<>(count);
        long keyHash = fnv1a64(dataSet.key());
        for (long rowIndex = fromRow; rowIndex < fromRow + count; rowIndex++) {
            rows.add(row(dataSet, keyHash, rowIndex, generation, drift));
        }
        return rows;
    }

    private Map<String, Object> row(DataSet dataSet, long keyHash, long rowIndex, int generation, SchemaDrift drift) {
        SplittableRandom random =
                new SplittableRandom(mix64(seed ^ mix64(keyHash + rowIndex) ^ mix64(generation + 0x51L)));
        long stableIdBits = mix64(seed ^ mix64(keyHash ^ mix64(rowIndex)));
        boolean drifted = drift != null && drift.appliesToRow(rowIndex);
        Map<String, Object> row = new LinkedHashMap<>();
        for (FieldSpec field : shape) {
            if (drifted && drift.field().equals(field.name())) {
                if (drift.change() == SchemaDrift.Change.REMOVE) {
                    continue;
                }
                if (drift.change() == SchemaDrift.Change.RETYPE) {
                    row.put(
                            field.name(),
                            value(drift.newType(), field.name(), dataSet, rowIndex, random, stableIdBits));
                    continue;
                }
            }
            row.put(field.name(), value(field.type(), field.name(), dataSet, rowIndex, random, stableIdBits));
        }
        if (drifted && drift.change() == SchemaDrift.Change.ADD) {
            row.put(drift.field(), value(drift.newType(), drift.field(), dataSet, rowIndex, random, stableIdBits));
        }
        return row;
    }

    private static Object value(
            FieldType type, String name, DataSet dataSet, long rowIndex, SplittableRandom random, long stableIdBits) {
        if (ID_FIELD.equals(name)) {
            // Ids do not depend on the generation: a changed re-download has the same keys with other values.
            return switch (type) {
                case STRING -> HexFormat.of().toHexDigits(stableIdBits);
                case LONG -> stableIdBits & Long.MAX_VALUE;
                default -> plainValue(type, name, dataSet, rowIndex, random);
            };
        }
        return plainValue(type, name, dataSet, rowIndex, random);
    }

    private static Object plainValue(
            FieldType type, String name, DataSet dataSet, long rowIndex, SplittableRandom random) {
        return switch (type) {
            case STRING -> name + "-" + random.nextInt(1000);
            case LONG -> random.nextLong(1_000_000L);
            case DOUBLE -> Math.round(random.nextDouble() * 100_000d) / 1000d;
            case BOOLEAN -> random.nextBoolean();
            case TIMESTAMP ->
                isoUtcMillis(dataSet.startMillis()
                        + rowIndex * dataSet.stepMillis()
                        + random.nextLong(dataSet.stepMillis()));
        };
    }

    /**
     * {@code yyyy-MM-ddTHH:mm:ss.SSSZ} for years 0..9999. Hand-rolled because it runs for every timestamp cell of
     * every row, and DateTimeFormatter made it the generator's hot spot.
     */
    public static String isoUtcMillis(long epochMillis) {
        long epochSecond = Math.floorDiv(epochMillis, 1000L);
        int millis = (int) Math.floorMod(epochMillis, 1000L);
        LocalDateTime time = LocalDateTime.ofEpochSecond(epochSecond, 0, ZoneOffset.UTC);
        char[] out = new char[24];
        digits(out, 0, time.getYear(), 4);
        out[4] = '-';
        digits(out, 5, time.getMonthValue(), 2);
        out[7] = '-';
        digits(out, 8, time.getDayOfMonth(), 2);
        out[10] = 'T';
        digits(out, 11, time.getHour(), 2);
        out[13] = ':';
        digits(out, 14, time.getMinute(), 2);
        out[16] = ':';
        digits(out, 17, time.getSecond(), 2);
        out[19] = '.';
        digits(out, 20, millis, 3);
        out[23] = 'Z';
        return new String(out);
    }

    private static void digits(char[] out, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            out[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }

    static long fnv1a64(String text) {
        long hash = 0xcbf29ce484222325L;
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= 0x100000001b3L;
        }
        return hash;
    }

    /** SplitMix64 finalizer: spreads nearby inputs (row i, i+1) over the whole 64-bit space. */
    public static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
