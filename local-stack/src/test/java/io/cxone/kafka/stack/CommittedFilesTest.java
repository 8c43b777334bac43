package io.cxone.kafka.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommittedFilesTest {

    private static final String REFRESH = "mvn refresh-command";

    @TempDir
    Path root;

    private void commitOldAndLeftOverFiles() throws Exception {
        Files.createDirectories(root.resolve("out"));
        Files.writeString(root.resolve("out/a.txt"), "old\n");
        Files.writeString(root.resolve("out/gone.txt"), "left over\n");
    }

    @Test
    void aDifferentMissingOrLeftOverFileFailsNamingItAndTheRefreshCommand() throws Exception {
        commitOldAndLeftOverFiles();
        Map<String, String> rendered = Map.of("out/a.txt", "new\n", "out/b.txt", "b\n");

        assertThatThrownBy(() -> CommittedFiles.check(root, rendered, Set.of("out"), "the sources", REFRESH, false))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("out/a.txt")
                .hasMessageContaining("out/b.txt")
                .hasMessageContaining("out/gone.txt (no longer generated)")
                .hasMessageContaining("differ from what the sources generate now")
                .hasMessageEndingWith("\n  " + REFRESH);
        assertThat(Files.readString(root.resolve("out/a.txt"))).isEqualTo("old\n");
    }

    @Test
    void updateRewritesAndDeletesThenTheCheckPasses() throws Exception {
        commitOldAndLeftOverFiles();
        Map<String, String> rendered = Map.of("out/a.txt", "new\n", "out/sub/b.txt", "b\n");

        CommittedFiles.check(root, rendered, Set.of("out"), "the sources", REFRESH, true);

        assertThat(Files.readString(root.resolve("out/a.txt"))).isEqualTo("new\n");
        assertThat(Files.readString(root.resolve("out/sub/b.txt"))).isEqualTo("b\n");
        assertThat(root.resolve("out/gone.txt")).doesNotExist();
        CommittedFiles.check(root, rendered, Set.of("out", "out/sub"), "the sources", REFRESH, false);
    }
}
