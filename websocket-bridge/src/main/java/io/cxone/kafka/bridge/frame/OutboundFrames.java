package io.cxone.kafka.bridge.frame;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns encoded records into one client's frames: the shared record frames, or batch frames of the client's
 * batch size, plain or gzipped, none over {@code frame.max.bytes} (a batch is halved until it fits; a lone
 * record over it becomes a "record_too_large" error frame).
 */
public final class OutboundFrames {

    /** Told of each record replaced by a "record_too_large" frame. */
    public interface TooLargeListener {
        void tooLarge(EncodedRecord record, int frameBytes);
    }

    private final int frameMaxBytes;
    private final TooLargeListener tooLarge;

    public OutboundFrames(int frameMaxBytes, TooLargeListener tooLarge) {
        this.frameMaxBytes = frameMaxBytes;
        this.tooLarge = tooLarge;
    }

    /**
     * The frames of records of one partition. Record frames are the shared ones; batch frames are shared with
     * every other member of the same hand-over ({@code shared}, null when not sharing) that asked for the same
     * batch size and compression from the same first record.
     */
    public List<OutboundFrame> of(
            List<EncodedRecord> records, Map<Long, List<OutboundFrame>> shared, int batch, boolean gz) {
        if (batch <= 1) {
            List<OutboundFrame> out = new ArrayList<>(records.size());
            for (EncodedRecord r : records) {
                OutboundFrame frame = gz ? r.gzipped() : r.plain();
                out.add(frame.size() > frameMaxBytes ? tooLarge(r, frame.size(), gz) : frame);
            }
            return out;
        }
        if (shared != null) {
            // A hand-over's members differ only in where they start: the record count identifies the suffix.
            long shape = ((long) records.size() << 32) | ((long) batch << 1) | (gz ? 1 : 0);
            return shared.computeIfAbsent(shape, k -> batches(records, batch, gz));
        }
        return batches(records, batch, gz);
    }

    private List<OutboundFrame> batches(List<EncodedRecord> records, int size, boolean gz) {
        List<OutboundFrame> out = new ArrayList<>(records.size() / size + 1);
        for (int i = 0; i < records.size(); i += size) {
            addBatch(records.subList(i, Math.min(records.size(), i + size)), gz, out);
        }
        return out;
    }

    /** One batch frame, halved until it fits the frame limit; a lone record over it becomes an error frame. */
    private void addBatch(List<EncodedRecord> records, boolean gz, List<OutboundFrame> out) {
        byte[] text = RecordFrames.batchOf(records);
        byte[] payload = gz ? RecordFrames.gzip(text) : text;
        if (payload.length > frameMaxBytes) {
            if (records.size() > 1) {
                int half = records.size() / 2;
                addBatch(records.subList(0, half), gz, out);
                addBatch(records.subList(half, records.size()), gz, out);
            } else {
                out.add(tooLarge(records.get(0), payload.length, gz));
            }
            return;
        }
        EncodedRecord first = records.get(0);
        out.add(new OutboundFrame(
                payload,
                gz,
                List.of(new OutboundFrame.Span(
                        first.topic(),
                        first.partition(),
                        first.offset(),
                        records.get(records.size() - 1).offset())),
                records.size()));
    }

    private OutboundFrame tooLarge(EncodedRecord r, int size, boolean gz) {
        tooLarge.tooLarge(r, size);
        byte[] error = RecordFrames.tooLarge(r.topic(), r.partition(), r.offset(), size, frameMaxBytes);
        return new OutboundFrame(
                gz ? RecordFrames.gzip(error) : error,
                gz,
                List.of(new OutboundFrame.Span(r.topic(), r.partition(), r.offset(), r.offset())),
                0);
    }
}
