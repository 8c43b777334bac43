package io.cxone.kafka.stack;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** Reading the stack's {@code config/*.properties} files, and writing generated copies of them. */
public final class StackConfig {
    private StackConfig() {}

    public static Properties load(Path file) {
        Properties props = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            props.load(in);
        } catch (IOException e) {
            throw new StackException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return props;
    }

    public static void store(Properties props, Path file, String comment) throws IOException {
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            props.store(out, comment);
        }
    }

    /** The template's settings with {@code overrides} on top: what a generated per-process config file holds. */
    public static Properties derived(Path template, Map<String, String> overrides) {
        Properties props = load(template);
        props.putAll(overrides);
        return props;
    }

    /** Ports of a listeners value such as {@code PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093}. */
    public static List<Integer> listenerPorts(String listeners) {
        List<Integer> ports = new ArrayList<>();
        for (String listener : listeners.split(",")) {
            String trimmed = listener.trim();
            ports.add(URI.create(trimmed.contains("://") ? trimmed : "x://" + trimmed)
                    .getPort());
        }
        return ports;
    }
}
