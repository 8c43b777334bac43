package io.cxone.kafka.source.webhook;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.Decoder;
import org.apache.avro.util.Utf8;

/**
 * A {@link BinaryDecoder} over one request's bytes that checks every length and count the data declares before
 * anything is allocated or looped over: a string, bytes or fixed longer than the bytes left is refused (400), a map
 * cannot hold more entries than bytes left (a key takes at least one), and array and map items, read or skipped,
 * are spent from the request's {@link DecodeBudget} (413), so items that take no byte (arrays of null or of empty
 * records) are bounded too.
 *
 * <p>Hand-written rather than left to Avro's own checks: those are JVM-wide system properties
 * ({@code org.apache.avro.limits.*}), shared with every other plugin of the Connect worker, with caps derived from
 * the heap rather than from the request; and a writer-only array skipped during schema resolution is counted
 * per block only, so many blocks of null items still loop for minutes. Avro's checks stay in place underneath
 * ({@link #remainingBytes()} is passed on, so {@code GenericDatumReader} also bounds collections of non-empty items
 * by the bytes left).
 */
final class BudgetedDecoder extends Decoder {

    private final BinaryDecoder in;
    private final DecodeBudget budget;

    /** @param in a decoder over a byte array, so the bytes left are known */
    BudgetedDecoder(BinaryDecoder in, DecodeBudget budget) {
        if (in.remainingBytes() < 0) {
            throw new IllegalArgumentException("the bytes left must be known");
        }
        this.in = in;
        this.budget = budget;
    }

    boolean isEnd() throws IOException {
        return in.isEnd();
    }

    @Override
    public int remainingBytes() {
        return in.remainingBytes();
    }

    @Override
    public void readNull() throws IOException {
        in.readNull();
    }

    @Override
    public boolean readBoolean() throws IOException {
        return in.readBoolean();
    }

    @Override
    public int readInt() throws IOException {
        return in.readInt();
    }

    @Override
    public long readLong() throws IOException {
        return in.readLong();
    }

    @Override
    public float readFloat() throws IOException {
        return in.readFloat();
    }

    @Override
    public double readDouble() throws IOException {
        return in.readDouble();
    }

    @Override
    public Utf8 readString(Utf8 old) throws IOException {
        int length = declaredLength("string");
        Utf8 result = old != null ? old : new Utf8();
        result.setByteLength(length);
        in.readFixed(result.getBytes(), 0, length);
        return result;
    }

    @Override
    public String readString() throws IOException {
        return readString(null).toString();
    }

    @Override
    public void skipString() throws IOException {
        in.skipFixed(declaredLength("string"));
    }

    @Override
    public ByteBuffer readBytes(ByteBuffer old) throws IOException {
        int length = declaredLength("bytes value");
        ByteBuffer result =
                old != null && old.hasArray() && length <= old.capacity() ? old.clear() : ByteBuffer.allocate(length);
        in.readFixed(result.array(), result.arrayOffset() + result.position(), length);
        result.limit(length);
        return result;
    }

    @Override
    public void skipBytes() throws IOException {
        in.skipFixed(declaredLength("bytes value"));
    }

    @Override
    public void readFixed(byte[] bytes, int start, int length) throws IOException {
        in.readFixed(bytes, start, length);
    }

    @Override
    public void skipFixed(int length) throws IOException {
        checkLeft(length, "fixed");
        in.skipFixed(length);
    }

    @Override
    public int readEnum() throws IOException {
        return in.readEnum();
    }

    @Override
    public int readIndex() throws IOException {
        return in.readIndex();
    }

    @Override
    public long readArrayStart() throws IOException {
        return blockItems("array");
    }

    @Override
    public long arrayNext() throws IOException {
        return blockItems("array");
    }

    @Override
    public long skipArray() throws IOException {
        return skipBlocksWithSize("array");
    }

    @Override
    public long readMapStart() throws IOException {
        return blockItems("map");
    }

    @Override
    public long mapNext() throws IOException {
        return blockItems("map");
    }

    @Override
    public long skipMap() throws IOException {
        return skipBlocksWithSize("map");
    }

    /** The item count of the next array/map block (0: the end), spent from the budget. */
    private long blockItems(String kind) throws IOException {
        long count = in.readLong();
        if (count < 0) {
            // a block written with its size in bytes; reading item by item does not need the size
            count = -count;
            long size = in.readLong();
            if (count < 0 || size < 0) {
                throw new RejectedRequest(400, kind + " block declares a negative count or size");
            }
        }
        return spend(count, kind);
    }

    /** Skips the blocks that carry their size in bytes; returns the items of the next block that must be skipped one by one. */
    private long skipBlocksWithSize(String kind) throws IOException {
        long count = in.readLong();
        while (count < 0) {
            long size = in.readLong();
            checkLeft(size, kind + " block");
            in.skipFixed((int) size);
            count = in.readLong();
        }
        return spend(count, kind);
    }

    private long spend(long count, String kind) {
        if (count > 0 && kind.equals("map") && count > in.remainingBytes()) {
            throw new RejectedRequest(
                    400,
                    "map declares " + count + " entries where only " + in.remainingBytes()
                            + " bytes remain (each entry takes at least one)");
        }
        budget.spendItems(count);
        return count;
    }

    private int declaredLength(String kind) throws IOException {
        long length = in.readLong();
        checkLeft(length, kind);
        return (int) length;
    }

    private void checkLeft(long length, String kind) {
        if (length < 0) {
            throw new RejectedRequest(400, kind + " declares a negative length " + length);
        }
        if (length > in.remainingBytes()) {
            throw new RejectedRequest(
                    400,
                    kind + " of " + length + " bytes declared where only " + in.remainingBytes() + " bytes remain");
        }
    }
}
