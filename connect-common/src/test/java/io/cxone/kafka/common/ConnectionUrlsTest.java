package io.cxone.kafka.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;

class ConnectionUrlsTest {

    @Test
    void findsUserInfoWithOrWithoutPasswordSchemeOrParseableUrl() {
        assertThat(ConnectionUrls.hasUserInfo("https://elastic:s3cret@es.example.com:9200"))
                .isTrue();
        assertThat(ConnectionUrls.hasUserInfo("http://token@es.example.com")).isTrue();
        assertThat(ConnectionUrls.hasUserInfo("elastic:s3cret@es.example.com:9200"))
                .isTrue();
        assertThat(ConnectionUrls.hasUserInfo("http://user:p/ss@host:9200")).isTrue();
        assertThat(ConnectionUrls.hasUserInfo("https://es.example.com:9200/prefix"))
                .isFalse();
        assertThat(ConnectionUrls.hasUserInfo(null)).isFalse();
    }

    @Test
    void redactionKeepsSchemeAndHostAndDropsEveryCharacterOfTheCredentials() {
        assertThat(ConnectionUrls.redact("https://elastic:s3cret@es.example.com:9200/x"))
                .isEqualTo("https://***@es.example.com:9200/x");
        assertThat(ConnectionUrls.redact("user:p/ss@word@host"))
                .isEqualTo("***@host")
                .doesNotContain("ss", "word");
        assertThat(ConnectionUrls.redact("http://127.0.0.1:9200")).isEqualTo("http://127.0.0.1:9200");
    }

    @Test
    void loopbackIsJudgedFromLiteralsOnly() {
        assertThat(ConnectionUrls.isLoopbackHost("localhost")).isTrue();
        assertThat(ConnectionUrls.isLoopbackHost("127.0.0.1")).isTrue();
        assertThat(ConnectionUrls.isLoopbackHost("127.10.0.3")).isTrue();
        assertThat(ConnectionUrls.isLoopbackHost("[::1]")).isTrue();
        assertThat(ConnectionUrls.isLoopbackHost("10.0.0.5")).isFalse();
        assertThat(ConnectionUrls.isLoopbackHost("localhost.example.com")).isFalse();
        assertThat(ConnectionUrls.isLoopbackHost("es.internal")).isFalse();
        assertThat(ConnectionUrls.isLoopbackHost("")).isFalse();
    }

    @Test
    void plainHttpToRemoteHostOnlyForHttpToAnotherMachine() {
        assertThat(ConnectionUrls.isPlainHttpToRemoteHost(URI.create("http://es.example.com:9200")))
                .isTrue();
        assertThat(ConnectionUrls.isPlainHttpToRemoteHost(URI.create("HTTP://10.1.2.3")))
                .isTrue();
        assertThat(ConnectionUrls.isPlainHttpToRemoteHost(URI.create("https://es.example.com:9200")))
                .isFalse();
        assertThat(ConnectionUrls.isPlainHttpToRemoteHost(URI.create("http://127.0.0.1:9200")))
                .isFalse();
        assertThat(ConnectionUrls.isPlainHttpToRemoteHost(URI.create("http://localhost:8700")))
                .isFalse();
    }
}
