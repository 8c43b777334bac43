package io.cxone.kafka.common.threads;

import java.util.Map;
import java.util.concurrent.ThreadFactory;
import org.apache.kafka.common.utils.ThreadUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Threads a plugin starts: daemon (a stuck one never holds the worker's JVM open), named by Kafka's
 * {@link ThreadUtils} from a pattern, with an uncaught-exception handler that logs, and carrying the logging context
 * (MDC) of the thread that made the factory. Connect puts {@value #CONNECTOR_CONTEXT} (for example
 * {@code [cxone-export|task-0] }) in the MDC of the task threads it runs; threads a task starts itself would log
 * without it, and a worker running several connectors could not tell whose line it is.
 */
public final class PluginThreads {

    /** The MDC key Connect fills on its connector and task threads (Connect's {@code LoggingContext}). */
    public static final String CONNECTOR_CONTEXT = "connector.context";

    private static final Logger log = LoggerFactory.getLogger(PluginThreads.class);

    private PluginThreads() {}

    /**
     * A factory of daemon threads named from {@code namePattern} ({@code %d} is replaced by 1, 2, ...), carrying the
     * calling thread's MDC as it is now. Call it where the context is set: in {@code start()}, not in a constructor.
     */
    public static ThreadFactory daemon(String namePattern) {
        Map<String, String> context = MDC.getCopyOfContextMap();
        ThreadFactory named = ThreadUtils.createThreadFactory(
                namePattern, true, (thread, error) -> log.error("Thread {} died", thread.getName(), error));
        return task -> named.newThread(withContext(context, task));
    }

    /** One daemon thread named {@code name}, not started, carrying the calling thread's MDC. */
    public static Thread daemonThread(String name, Runnable task) {
        return daemon(name).newThread(task);
    }

    private static Runnable withContext(Map<String, String> context, Runnable task) {
        if (context == null || context.isEmpty()) {
            return task;
        }
        return () -> {
            MDC.setContextMap(context);
            try {
                task.run();
            } finally {
                MDC.clear();
            }
        };
    }
}
