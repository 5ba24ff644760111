package io.behalf.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class SignaturesTest {

    @Test
    void hmacMatchesTheRfc4231TestVector() {
        // RFC 4231 test case 2
        assertThat(Signatures.hex(Signatures.hmacSha256("Jefe", "what do ya want for nothing?")))
                .isEqualTo("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
        assertThat(Base64.getEncoder().encodeToString(Signatures.hmacSha256("Jefe", "what do ya want for nothing?")))
                .isEqualTo("W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM=");
    }

    @Test
    void constantTimeEqualsComparesWholeValues() {
        assertThat(Signatures.constantTimeEquals("v0=abc", "v0=abc")).isTrue();
        assertThat(Signatures.constantTimeEquals("v0=abc", "v0=abd")).isFalse();
        assertThat(Signatures.constantTimeEquals("v0=abc", "v0=ab")).isFalse();
        assertThat(Signatures.constantTimeEquals("v0=abc", null)).isFalse();
    }

    @Test
    void freshnessAllowsFiveMinutesEitherWay() {
        Instant now = Instant.parse("2026-11-28T12:00:00Z");
        assertThat(Signatures.fresh(now.minusSeconds(300), now)).isTrue();
        assertThat(Signatures.fresh(now.plusSeconds(300), now)).isTrue();
        assertThat(Signatures.fresh(now.minusSeconds(301), now)).isFalse();
        assertThat(Signatures.fresh(now.plusSeconds(301), now)).isFalse();
        assertThat(Signatures.fresh(null, now)).isFalse();
    }
}
