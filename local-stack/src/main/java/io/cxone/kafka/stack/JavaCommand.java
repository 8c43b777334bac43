package io.cxone.kafka.stack;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Builds {@code java ...} command lines with the JDK that runs the launcher. */
public final class JavaCommand {
    /**
     * The JVM options Kafka's own start scripts give brokers and Connect workers (bin/kafka-run-class.sh,
     * KAFKA_JVM_PERFORMANCE_OPTS): G1 aiming at 20 ms pauses, so a collection does not hold up produce requests and
     * webhook answers for the JVM's default 200 ms.
     */
    public static final List<String> KAFKA_JVM_PERFORMANCE_OPTS = List.of(
            "-XX:+UseG1GC",
            "-XX:MaxGCPauseMillis=20",
            "-XX:InitiatingHeapOccupancyPercent=35",
            "-XX:+ExplicitGCInvokesConcurrent");

    private JavaCommand() {}

    public static Path javaHome() {
        return Path.of(System.getProperty("java.home"));
    }

    public static List<String> of(
            String heap, String classpath, List<String> jvmArgs, String mainClass, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaHome().resolve("bin/java").toString());
        cmd.add("-Xms" + heap);
        cmd.add("-Xmx" + heap);
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add(mainClass);
        cmd.addAll(args);
        return cmd;
    }
}
