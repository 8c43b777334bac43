package io.cxone.kafka.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** bin/ensure-chromium's decisions, with --dry-run (nothing is installed) and paths that do not exist. */
class EnsureChromiumScriptTest {

    private record Result(int exit, String output) {}

    private static Result run(Map<String, String> env, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("bin/ensure-chromium"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), output);
    }

    @Test
    void missingBinariesAreInstalledWithAptOrTheCommandIsNamed() throws Exception {
        Result r = run(
                Map.of("CHROMIUM_BIN", "/nonexistent/chromium", "CHROMEDRIVER_BIN", "/nonexistent/chromedriver"),
                "--dry-run");
        String install =
                "apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium chromium-driver";
        boolean canInstall = "root".equals(System.getProperty("user.name"))
                || new ProcessBuilder("sudo", "-n", "true")
                                .redirectErrorStream(true)
                                .start()
                                .waitFor()
                        == 0;
        if (canInstall) {
            assertThat(r.exit()).as(r.output()).isZero();
            assertThat(r.output()).contains("would run:").contains(install);
        } else {
            assertThat(r.exit()).as(r.output()).isEqualTo(1);
            assertThat(r.output()).contains("Run as root: " + install);
        }
    }

    @Test
    void onlyTheMissingPackageIsInstalledAndPresentBinariesNeedNothing(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        Path fake = Files.createFile(dir.resolve("chromium"));
        fake.toFile().setExecutable(true);
        Result driverMissing = run(
                Map.of("CHROMIUM_BIN", fake.toString(), "CHROMEDRIVER_BIN", "/nonexistent/chromedriver"), "--dry-run");
        assertThat(driverMissing.output())
                .contains("--no-install-recommends chromium-driver")
                .doesNotContain("recommends chromium ");

        Result present = run(Map.of("CHROMIUM_BIN", fake.toString(), "CHROMEDRIVER_BIN", fake.toString()));
        assertThat(present.exit()).isZero();
        assertThat(present.output()).contains("present");

        assertThat(run(Map.of(), "--bogus").exit()).isEqualTo(2);
    }
}
