package io.cxone.kafka.stack;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Connector;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Writes each connector's configuration reference from its {@link ConfigDef} ({@code toEnrichedRst()}:
 * groups, types, defaults, valid values, importance, dependents), so the docs never drift from the code.
 * Run by each plugin module's build: {@code ConfigReference <output dir> <connector class>...}.
 */
public final class ConfigReference {
    private ConfigReference() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            throw new IllegalArgumentException("usage: ConfigReference <output dir> <connector class>...");
        }
        Path out = Path.of(args[0]);
        Files.createDirectories(out);
        for (String className : Arrays.copyOfRange(args, 1, args.length)) {
            Connector connector = (Connector) Class.forName(className).getDeclaredConstructor().newInstance();
            write(out.resolve(Class.forName(className).getSimpleName() + ".rst"), className, connector.config());
        }
    }

    static void write(Path file, String className, ConfigDef def) throws IOException {
        String title = className.substring(className.lastIndexOf('.') + 1) + " configuration";
        String text = title + "\n" + "=".repeat(title.length()) + "\n\n"
                + "Generated from the connector's ConfigDef by the build; do not edit.\n"
                + "Connector class: ``" + className + "``\n\n"
                + def.toEnrichedRst();
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }
}
