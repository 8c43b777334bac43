package io.cxone.kafka.source.export;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.transforms.Transformation;

/**
 * Test-only transformation for a worker in its own JVM: at the first manifest record it sees, once per
 * {@code marker.file}, it writes that file (the manifest's key) and holds the task thread until the JVM is killed. The
 * records before the manifest (the window's last chunk) have then gone to the producer in the open transaction, and
 * the manifest has not. A worker started again finds the file and lets every record through.
 *
 * <p>It runs in a plugin folder of its own, so it uses only Connect's API ({@link Manifest#SCHEMA_NAME} is a constant,
 * compiled in).
 */
public class HoldAtManifest implements Transformation<SourceRecord> {

    static final String MARKER_FILE = "marker.file";

    private Path marker;

    @Override
    public void configure(Map<String, ?> configs) {
        marker = Path.of((String) configs.get(MARKER_FILE));
    }

    @Override
    public SourceRecord apply(SourceRecord record) {
        if (record.valueSchema() != null
                && Manifest.SCHEMA_NAME.equals(record.valueSchema().name())
                && !Files.exists(marker)) {
            try {
                Files.writeString(marker, String.valueOf(record.key()), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            while (true) {
                try {
                    Thread.sleep(60_000); // until SIGKILL; an interrupt (task stop) does not release it either
                } catch (InterruptedException e) {
                    // held on purpose: the test kills the JVM here
                }
            }
        }
        return record;
    }

    @Override
    public ConfigDef config() {
        return new ConfigDef()
                .define(
                        MARKER_FILE,
                        ConfigDef.Type.STRING,
                        ConfigDef.Importance.HIGH,
                        "file written at the hold; while it exists, nothing is held");
    }

    @Override
    public void close() {}
}
