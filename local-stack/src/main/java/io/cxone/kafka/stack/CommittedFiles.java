package io.cxone.kafka.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Files the checkout commits although the build generates them (configuration references, deployment manifests), so
 * they can be read on GitHub and diffed in review. A test renders them and calls {@link #check}: it fails, naming the
 * stale files and the command that refreshes them, while a committed file differs from its rendering, is missing, or
 * is left over in a folder the rendering owns; with {@code update} it rewrites and deletes instead.
 */
public final class CommittedFiles {

    private CommittedFiles() {}

    /**
     * @param root the checkout
     * @param rendered each generated file's text by its path relative to {@code root} ('/'-separated)
     * @param ownedDirs folders (relative to {@code root}) holding only generated files: any other file there is stale
     * @param what what the files are generated from, for the failure message
     * @param refreshCommand the command that rewrites them
     * @param update rewrite the files instead of failing
     */
    public static void check(
            Path root,
            Map<String, String> rendered,
            Set<String> ownedDirs,
            String what,
            String refreshCommand,
            boolean update) {
        List<String> stale = new ArrayList<>();
        try {
            for (Map.Entry<String, String> file : rendered.entrySet()) {
                Path path = root.resolve(file.getKey());
                if (Files.isRegularFile(path)
                        && Files.readString(path, StandardCharsets.UTF_8).equals(file.getValue())) {
                    continue;
                }
                if (update) {
                    Files.createDirectories(path.getParent());
                    Files.writeString(path, file.getValue(), StandardCharsets.UTF_8);
                } else {
                    stale.add(file.getKey());
                }
            }
            for (String leftOver : leftOvers(root, rendered.keySet(), ownedDirs)) {
                if (update) {
                    Files.delete(root.resolve(leftOver));
                } else {
                    stale.add(leftOver + " (no longer generated)");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!stale.isEmpty()) {
            throw new AssertionError(String.join(", ", stale) + " differ from what " + what + " generate now."
                    + " Refresh the committed files with:\n  " + refreshCommand);
        }
    }

    private static Set<String> leftOvers(Path root, Set<String> rendered, Set<String> ownedDirs) throws IOException {
        Set<String> leftOvers = new TreeSet<>();
        for (String dir : ownedDirs) {
            Path folder = root.resolve(dir);
            if (!Files.isDirectory(folder)) {
                continue;
            }
            try (Stream<Path> files = Files.list(folder)) {
                files.filter(Files::isRegularFile)
                        .map(f -> root.relativize(f).toString().replace('\\', '/'))
                        .filter(f -> !rendered.contains(f))
                        .forEach(leftOvers::add);
            }
        }
        return leftOvers;
    }
}
