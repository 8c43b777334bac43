package io.cxone.kafka.source.export;

import io.cxone.kafka.simulator.CxoneSimulator;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

/**
 * The window ITs' export: one Data Extraction entity over the last three days, one window per day, exactly-once, with
 * manifests, in chunks of 100 rows (250 rows per window: the last chunk of each is short).
 */
final class WindowedExtraction {

    static final String ENTITY = "recording-interaction-metadata";
    static final int ROWS_PER_WINDOW = 250;
    static final int CHUNK_SIZE = 100;

    final LocalDate first = LocalDate.now(ZoneOffset.UTC).minusDays(3);
    /** The three windows in export order, as the job ids and manifests name them. */
    final List<String> windows = List.of(window(first), window(first.plusDays(1)), window(first.plusDays(2)));

    /** The connector's configuration; {@code callIntervalMs} spaces its Data Extraction calls (0: not at all). */
    Map<String, String> connector(CxoneSimulator sim, String topic, String manifests, long callIntervalMs) {
        Map<String, String> config = ExportKillRun.exactlyOnceConnector(sim, 1);
        config.put(ExportSourceConfig.API_FLAVOUR, "data-extraction");
        config.put(ExportSourceConfig.ENTITIES, ENTITY);
        config.put(ExportSourceConfig.ACCESS_KEY_ID, sim.options().accessKeyId());
        config.put(ExportSourceConfig.ACCESS_KEY_SECRET, sim.options().accessKeySecret());
        config.put(ExportSourceConfig.START_DATE, first.toString());
        config.put(ExportSourceConfig.LAG_MINUTES, "0");
        config.put(ExportSourceConfig.EXTRACTION_CALL_INTERVAL_MS, Long.toString(callIntervalMs));
        config.put(ExportSourceConfig.TOPIC, topic);
        config.put(ExportSourceConfig.MANIFEST_TOPIC, manifests);
        config.put(ExportSourceConfig.KEY_FIELD, "id");
        config.put(ExportSourceConfig.CHUNK_SIZE, Integer.toString(CHUNK_SIZE));
        return config;
    }

    static String window(LocalDate start) {
        return start + "/" + start.plusDays(1);
    }
}
