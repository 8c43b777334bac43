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
 * Configuration references generated from a {@link ConfigDef} ({@code toEnrichedRst()}: groups, types, defaults,
 * valid values, importance, dependents): each connector's, and the WebSocket bridge's. The plugin modules' builds
 * write theirs into {@code target/config-reference/} ({@code ConfigReference <output dir> <connector class>...}); a
 * {@code ConfigReferenceTest} in each module fails while the committed {@code docs/config/<name>.rst} differs from
 * it, so the docs never drift from the code, and rewrites the committed files when run with
 * {@value #UPDATE_PROPERTY}=true.
 */
public final class ConfigReference {

    /** System property that makes {@link #checkCommitted} rewrite the committed files instead of failing. */
    public static final String UPDATE_PROPERTY = "config.reference.update";

    /**
     * One reference page, {@code docs/config/<name>.rst}: a title, an introduction (reStructuredText, ending in a
     * blank line) and every setting of {@code definition}.
     */
    public record Page(String name, String title, String introduction, ConfigDef definition) {

        /** The page of a connector: named after its class, of the ConfigDef its {@code config()} returns. */
        public static Page of(Class<? extends Connector> connector) throws ReflectiveOperationException {
            String name = connector.getSimpleName();
            return new Page(
                    name,
                    name + " configuration",
                    "Generated from the connector's ConfigDef by the build; do not edit.\n" + "Connector class: ``"
                            + connector.getName() + "``\n\n",
                    connector.getDeclaredConstructor().newInstance().config());
        }

        public String text() {
            return title + "\n" + "=".repeat(title.length()) + "\n\n" + introduction + definition.toEnrichedRst();
        }

        String path() {
            return "docs/config/" + name + ".rst";
        }
    }

    private ConfigReference() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            throw new IllegalArgumentException("usage: ConfigReference <output dir> <connector class>...");
        }
        Path out = Path.of(args[0]);
        Files.createDirectories(out);
        for (String className : Arrays.copyOfRange(args, 1, args.length)) {
            Page page = Page.of(Class.forName(className).asSubclass(Connector.class));
            Files.writeString(out.resolve(page.name() + ".rst"), page.text(), StandardCharsets.UTF_8);
        }
    }

    /** {@link #checkCommitted(Page...)} of each connector's {@link Page#of page}. */
    @SafeVarargs
    public static void checkCommitted(Class<? extends Connector>... connectors) throws ReflectiveOperationException {
        Page[] pages = new Page[connectors.length];
        for (int i = 0; i < connectors.length; i++) {
            pages[i] = Page.of(connectors[i]);
        }
        checkCommitted(pages);
    }

    /**
     * Fails, naming the files and the command that refreshes them, when a committed {@code docs/config/<name>.rst} of
     * the checkout differs from its page's {@link Page#text}; with {@value #UPDATE_PROPERTY}=true rewrites them
     * instead. Run from a module's folder (as Maven's test runs are), whose parent is the checkout.
     */
    public static void checkCommitted(Page... pages) {
        Path moduleDir = Path.of("").toAbsolutePath();
        Map<String, String> rendered = new TreeMap<>();
        for (Page page : pages) {
            rendered.put(page.path(), page.text());
        }
        CommittedFiles.check(
                moduleDir.getParent(),
                rendered,
                Set.of(),
                "the ConfigDefs",
                "mvn -B -q test -pl " + moduleDir.getFileName() + " -am -Dtest=ConfigReferenceTest"
                        + " -Dsurefire.failIfNoSpecifiedTests=false -D" + UPDATE_PROPERTY + "=true",
                Boolean.getBoolean(UPDATE_PROPERTY));
    }
}
