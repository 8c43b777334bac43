package io.cxone.kafka.testkit;

import io.cxone.kafka.stack.CommittedFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Connector;

/**
 * Each connector's configuration reference from its {@link ConfigDef} ({@code toEnrichedRst()}: groups, types,
 * defaults, valid values, importance, dependents). The plugin modules' builds write it into
 * {@code target/config-reference/} ({@code ConfigReference <output dir> <connector class>...}); their
 * {@code ConfigReferenceTest} fails while the committed {@code docs/config/<Connector>.rst} differs from it, so the
 * docs never drift from the code, and rewrites the committed files when run with {@value #UPDATE_PROPERTY}=true.
 */
public final class ConfigReference {

    /** System property that makes {@link #checkCommitted} rewrite the committed files instead of failing. */
    public static final String UPDATE_PROPERTY = "config.reference.update";

    private ConfigReference() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            throw new IllegalArgumentException("usage: ConfigReference <output dir> <connector class>...");
        }
        Path out = Path.of(args[0]);
        Files.createDirectories(out);
        for (String className : Arrays.copyOfRange(args, 1, args.length)) {
            Class<? extends Connector> connector = Class.forName(className).asSubclass(Connector.class);
            Files.writeString(out.resolve(fileName(connector)), render(connector), StandardCharsets.UTF_8);
        }
    }

    /** The reference text of {@code connector}'s current ConfigDef. */
    public static String render(Class<? extends Connector> connector) throws ReflectiveOperationException {
        ConfigDef def = connector.getDeclaredConstructor().newInstance().config();
        String title = connector.getSimpleName() + " configuration";
        return title + "\n" + "=".repeat(title.length()) + "\n\n"
                + "Generated from the connector's ConfigDef by the build; do not edit.\n"
                + "Connector class: ``" + connector.getName() + "``\n\n"
                + def.toEnrichedRst();
    }

    /**
     * Fails, naming the files and the command that refreshes them, when a committed {@code docs/config/<Connector>.rst}
     * of the checkout differs from {@link #render}; with {@value #UPDATE_PROPERTY}=true rewrites them instead. Run
     * from a plugin module's folder (as Maven's test runs are), whose parent is the checkout.
     */
    @SafeVarargs
    public static void checkCommitted(Class<? extends Connector>... connectors) throws ReflectiveOperationException {
        Path moduleDir = Path.of("").toAbsolutePath();
        Map<String, String> rendered = new TreeMap<>();
        for (Class<? extends Connector> connector : connectors) {
            rendered.put("docs/config/" + fileName(connector), render(connector));
        }
        CommittedFiles.check(
                moduleDir.getParent(),
                rendered,
                Set.of(),
                "the connectors' ConfigDefs",
                "mvn -B -q test -pl " + moduleDir.getFileName() + " -am -Dtest=ConfigReferenceTest"
                        + " -Dsurefire.failIfNoSpecifiedTests=false -D" + UPDATE_PROPERTY + "=true",
                Boolean.getBoolean(UPDATE_PROPERTY));
    }

    private static String fileName(Class<? extends Connector> connector) {
        return connector.getSimpleName() + ".rst";
    }
}
