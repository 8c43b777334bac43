package io.cxone.kafka.bridge.feed;

import io.cxone.kafka.bridge.frame.EncodedRecord;
import io.cxone.kafka.common.threads.PluginThreads;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;

/**
 * A Kafka consumer one client runs on a thread of its own, beside the shared feeds: a catch-up reader or a
 * group-mode reader. Stopped with {@code wakeup()}, not an interrupt: an interrupted thread cannot close its
 * consumer cleanly. Gives back its consumer slot once its consumer is closed.
 */
public abstract class ClientReader {

    /** The client a reader reads for. */
    public interface Client {
        /** Records of one partition in offset order. */
        void deliver(List<EncodedRecord> records);

        /** True once the client is closing: the reader stops. */
        boolean closing();

        /** The reader's consumer failed: the client cannot continue. */
        void readerFailed(String message, Throwable cause);

        /** The reader's consumer is closed: gives back the consumer slot the subscription took for it. */
        void readerStopped();
    }

    private final Thread thread;
    private volatile Consumer<byte[], byte[]> consumer;
    private volatile Map<String, Long> lag = Map.of();

    protected ClientReader(String threadName, Client client) {
        this.thread = PluginThreads.daemonThread(threadName, () -> {
            try {
                read();
            } finally {
                client.readerStopped();
            }
        });
    }

    /** Creates, uses and closes this reader's consumer; registers it with {@link #reading} so that it can be stopped. */
    protected abstract void read();

    /** The consumer {@link #read} uses from now on (null once closed). */
    protected final void reading(Consumer<byte[], byte[]> c) {
        consumer = c;
    }

    protected final void lag(Map<String, Long> byTopic) {
        lag = byTopic;
    }

    public final void start() {
        thread.start();
    }

    public final void stop() {
        Consumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }

    public final void awaitStopped(Duration timeout) throws InterruptedException {
        thread.join(timeout.toMillis());
    }

    /** Records behind the log end of the partitions this reader reads, per topic. */
    public final Map<String, Long> lag() {
        return lag;
    }
}
