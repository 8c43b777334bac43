package io.cxone.kafka.source.export;

import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.transforms.Transformation;

/**
 * Test-only transformation that holds the worker's task thread in the middle of a chunk, once per JVM: once the
 * test names a chunk ({@link #holdChunkAt}), after {@code after.records} records of it have gone to the producer,
 * so that chunk's transaction is open with records on the broker while the test stops the worker.
 */
public class HoldMidChunk implements Transformation<SourceRecord> {

    static final CountDownLatch HELD = new CountDownLatch(1);
    static final CountDownLatch RELEASE = new CountDownLatch(1);
    private static final AtomicBoolean USED = new AtomicBoolean();
    private static volatile long target = -1;

    private int afterRecords;
    private final AtomicInteger seen = new AtomicInteger();

    /** Arms the hold for the chunk whose first row is {@code chunkOffset}. */
    static void holdChunkAt(long chunkOffset) {
        target = chunkOffset;
    }

    @Override
    public void configure(Map<String, ?> configs) {
        afterRecords = Integer.parseInt((String) configs.get("after.records"));
    }

    @Override
    public SourceRecord apply(SourceRecord record) {
        Header offset = record.headers().lastWithName(ChunkPipeline.HEADER_CHUNK_OFFSET);
        if (offset != null
                && ((Number) offset.value()).longValue() == target
                && seen.incrementAndGet() == afterRecords + 1
                && USED.compareAndSet(false, true)) {
            HELD.countDown();
            try {
                RELEASE.await(2, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return record;
    }

    @Override
    public ConfigDef config() {
        return new ConfigDef()
                .define(
                        "after.records",
                        ConfigDef.Type.STRING,
                        ConfigDef.Importance.HIGH,
                        "records of it to let through first");
    }

    @Override
    public void close() {}
}
