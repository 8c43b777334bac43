package io.cxone.kafka.source.export;

import io.cxone.kafka.common.PluginVersion;
import io.cxone.kafka.common.threads.PluginThreads;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.apache.kafka.connect.source.TransactionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exports this task's reports / entities. A reader thread fetches and verifies chunks (CXone calls, retries
 * and waits happen there, never in {@code poll()}); {@code poll()} hands over at most one verified chunk,
 * waiting at most {@code poll.max.block.ms}, and asks the worker to commit the transaction at the chunk's
 * last record, so each chunk is one Kafka transaction together with its offset.
 */
public class CxoneExportSourceTask extends SourceTask {

    private static final Logger log = LoggerFactory.getLogger(CxoneExportSourceTask.class);

    private ExportSourceConfig config;
    private CxoneHttp http;
    private ExportMetrics metrics;
    private final BlockingQueue<ExportChunk> verified = new ArrayBlockingQueue<>(2);
    private volatile Throwable failure;
    private volatile boolean running;
    private Thread readerThread;
    private final List<ChunkPipeline> pipelines = new ArrayList<>();

    @Override
    public String version() {
        return PluginVersion.get();
    }

    @Override
    public void start(Map<String, String> props) {
        config = ExportConfigValidator.parseForStart(props);
        metrics = new ExportMetrics(context.pluginMetrics());
        http = new CxoneHttp(config.requestTimeout(), config.retryPolicy(), config.responseMaxBytes(), metrics);
        for (String source : config.taskSources()) {
            StoredCheckpoint stored = StoredCheckpoint.read(
                    context.offsetStorageReader(), config.apiFlavour().configName(), source);
            pipelines.add(new ChunkPipeline(
                    source, ChunkReader.create(source, config, http, metrics), config, metrics, stored));
        }
        running = true;
        readerThread = PluginThreads.daemonThread(
                "cxone-export-reader-" + String.join(",", config.taskSources()),
                () -> readLoop(List.copyOf(pipelines)));
        readerThread.start();
        log.info(
                "Export task started for {} {} (api {}, chunk size {})",
                switch (config.apiFlavour()) {
                    case RECORDS -> "reports";
                    case DATA_EXTRACTION -> "entities";
                    case REPORTING -> "Reporting API endpoints";
                },
                config.taskSources(),
                config.apiFlavour().configName(),
                config.chunkSize());
    }

    /** Round-robin over the sources; idles briefly when none has a chunk due. */
    private void readLoop(List<ChunkPipeline> sources) {
        try {
            while (running) {
                boolean any = false;
                for (ChunkPipeline pipeline : sources) {
                    Optional<ExportChunk> chunk = pipeline.next();
                    if (chunk.isPresent()) {
                        any = true;
                        verified.put(chunk.get());
                    }
                }
                if (!any) {
                    Thread.sleep(Math.min(1000, config.pollMaxBlock().toMillis()));
                }
            }
        } catch (InterruptedException | CxoneHttp.TaskStoppedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            if (running) {
                log.error("Export task failed: {}", t.getMessage());
                failure = t;
            }
        }
    }

    @Override
    public List<SourceRecord> poll() throws InterruptedException {
        Throwable failed = failure;
        if (failed != null && verified.isEmpty()) {
            throw failed instanceof ConnectException ce ? ce : new ConnectException(failed.getMessage(), failed);
        }
        ExportChunk chunk = verified.poll(config.pollMaxBlock().toMillis(), TimeUnit.MILLISECONDS);
        if (chunk == null) {
            return null;
        }
        TransactionContext transactions = context.transactionContext();
        if (transactions != null) {
            transactions.commitTransaction(chunk.records().get(chunk.records().size() - 1));
        }
        return chunk.records();
    }

    @Override
    public void stop() {
        running = false;
        if (readerThread != null) {
            readerThread.interrupt();
            try {
                readerThread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        pipelines.forEach(ChunkPipeline::close);
        if (http != null) {
            http.close();
        }
        if (metrics != null) {
            metrics.close();
        }
    }
}
