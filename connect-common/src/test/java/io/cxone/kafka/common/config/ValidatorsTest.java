package io.cxone.kafka.common.config;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidatorsTest {

    @Test
    void urlsWithCredentialsAreRefusedShowingOnlyTheRedactedForm() {
        assertThatThrownBy(
                        () -> Validators.httpUrl(false, "x.password").ensureValid("base.url", "https://u:s3cret@host"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("https://***@host")
                .hasMessageContaining("x.password")
                .hasMessageNotContaining("s3cret");
        assertThatThrownBy(() -> Validators.httpUrlList("x.password")
                        .ensureValid("urls", List.of("http://a:9200", "http://u:p@b")))
                .hasMessageNotContaining("u:p");
    }

    @Test
    void urlsNeedAnHttpSchemeAndAHost() {
        assertThatCode(() -> Validators.httpUrl(false, "h").ensureValid("u", "https://api.example.com:8443/x"))
                .doesNotThrowAnyException();
        assertThatCode(() -> Validators.httpUrl(true, "h").ensureValid("u", "")).doesNotThrowAnyException();
        assertThatThrownBy(() -> Validators.httpUrl(false, "h").ensureValid("u", ""))
                .isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> Validators.httpUrl(false, "h").ensureValid("u", "ftp://host"))
                .hasMessageContaining("http(s)");
        assertThatThrownBy(() -> Validators.httpUrl(false, "h").ensureValid("u", "http://bad host"))
                .hasMessageContaining("not a URL");
        assertThatThrownBy(() -> Validators.httpUrlList("h").ensureValid("u", List.of()))
                .hasMessageContaining("at least one");
    }

    @Test
    void filesMustBeReadableRegularFiles(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("ca.pem"), "x");
        assertThatCode(() -> Validators.readableFile(false).ensureValid("f", file.toString()))
                .doesNotThrowAnyException();
        assertThatCode(() -> Validators.readableFile(true).ensureValid("f", " "))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> Validators.readableFile(false).ensureValid("f", dir.toString()))
                .hasMessageContaining("readable file");
        assertThatThrownBy(() -> Validators.readableFile(false)
                        .ensureValid("f", dir.resolve("missing").toString()))
                .hasMessageContaining("readable file");
    }
}
