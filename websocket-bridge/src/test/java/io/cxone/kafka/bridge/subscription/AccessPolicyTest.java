package io.cxone.kafka.bridge.subscription;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxone.kafka.bridge.BridgeConfig;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AccessPolicyTest {

    private static AccessPolicy policy(String origins) {
        Map<String, String> m = new HashMap<>();
        m.put("kafka.bootstrap.servers", "k:9092");
        m.put("auth.token.a", "secret-aaaaaa");
        m.put("auth.token.a.topics", "cxone\\..*");
        m.put("auth.token.b", "secret-bbbbbb");
        m.put("auth.token.b.topics", "audit");
        m.put("origins.allowed", origins);
        return new AccessPolicy(BridgeConfig.of(m));
    }

    @Test
    void tokensMapToTheirTopicPatterns() {
        AccessPolicy p = policy("");
        assertThat(p.authenticate("secret-aaaaaa"))
                .get()
                .extracting(BridgeConfig.Token::id)
                .isEqualTo("a");
        assertThat(p.authenticate("secret-bbbbbb").get().allows("cxone.x")).isFalse();
        assertThat(p.authenticate("secret-bbbbbb").get().allows("audit")).isTrue();
        assertThat(p.authenticate("wrong")).isEmpty();
        assertThat(p.authenticate(null)).isEmpty();
        assertThat(AccessPolicy.presentedToken("Bearer xyz", "q")).isEqualTo("xyz");
        assertThat(AccessPolicy.presentedToken(null, "q")).isEqualTo("q");
    }

    @Test
    void sameOriginByDefault() {
        AccessPolicy p = policy("");
        assertThat(p.originAllowed(null, "127.0.0.1:8702", false)).isTrue();
        assertThat(p.originAllowed("http://127.0.0.1:8702", "127.0.0.1:8702", false))
                .isTrue();
        assertThat(p.originAllowed("https://127.0.0.1:8702", "127.0.0.1:8702", false))
                .isFalse();
        assertThat(p.originAllowed("http://evil.example", "127.0.0.1:8702", false))
                .isFalse();
        assertThat(p.originAllowed("http://127.0.0.1:9999", "127.0.0.1:8702", false))
                .isFalse();
        assertThat(p.originAllowed("https://bridge.example", "bridge.example", true))
                .isTrue();
        assertThat(p.originAllowed("null", "127.0.0.1:8702", false)).isFalse();
    }

    @Test
    void allowListAndWildcard() {
        AccessPolicy p = policy("https://dash.example.com");
        assertThat(p.originAllowed("https://dash.example.com", "bridge:8702", false))
                .isTrue();
        assertThat(p.originAllowed("https://other.example.com", "bridge:8702", false))
                .isFalse();
        assertThat(policy("*").originAllowed("https://anything", "bridge:8702", false))
                .isTrue();
    }
}
