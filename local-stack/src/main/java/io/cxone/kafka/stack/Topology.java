package io.cxone.kafka.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * How many Kafka brokers and Connect workers the stack runs ({@code ./stack up --brokers M --workers N}). {@code up}
 * records it in the state folder, so {@code status}, {@code kill}, {@code start} and {@code down} know every process
 * without the flags.
 *
 * <p>The replication settings follow from the broker count: replication factor min(3, M) for data, internal and
 * transaction topics, and {@code min.insync.replicas} 2 from three brokers on, so one broker may be down without
 * stopping writes. The first min(3, M) nodes are also KRaft controllers: a quorum of three survives one loss.
 */
public record Topology(int brokers, int workers) {

    /** One broker, one worker: the stack as it always ran. */
    public static final Topology SINGLE = new Topology(1, 1);

    /**
     * Upper bound of each count: broker {@code i} takes two ports from 9092 on (client, controller) and worker {@code
     * i} one from 8083 on, so nine of each stay clear of the registry (8081), the simulator (8700) and Elasticsearch
     * (9200).
     */
    public static final int MAX = 9;

    public Topology {
        check("brokers", brokers);
        check("workers", workers);
    }

    private static void check(String what, int count) {
        if (count < 1 || count > MAX) {
            throw new StackException("--" + what + " must be between 1 and " + MAX + ", not " + count);
        }
    }

    public int replicationFactor() {
        return Math.min(3, brokers);
    }

    public int minInsyncReplicas() {
        return brokers >= 3 ? 2 : 1;
    }

    /** Nodes 1..controllers() run broker and controller in one process; the others are brokers only. */
    public int controllers() {
        return Math.min(3, brokers);
    }

    /** {@code kafka} or {@code connect} while there is one of them (names, logs and data folders as before), else {@code kafka-2}. */
    public static String serviceName(String base, int index, int count) {
        return count == 1 ? base : base + "-" + index;
    }

    public static Topology read(Path file) {
        if (!Files.isRegularFile(file)) {
            return SINGLE;
        }
        Properties p = StackConfig.load(file);
        try {
            return new Topology(
                    Integer.parseInt(p.getProperty("brokers", "1")), Integer.parseInt(p.getProperty("workers", "1")));
        } catch (NumberFormatException e) {
            throw new StackException(file + " is damaged (" + e.getMessage() + "); ./stack reset starts over", e);
        }
    }

    public void write(Path file) {
        Properties p = new Properties();
        p.setProperty("brokers", Integer.toString(brokers));
        p.setProperty("workers", Integer.toString(workers));
        try {
            Files.createDirectories(file.getParent());
            StackConfig.store(p, file, "the stack's last ./stack up");
        } catch (IOException e) {
            throw new StackException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
