package io.behalf.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.junit.jupiter.api.Test;

/** The binary-mode headers the publisher writes itself: DESIGN.md's, in the order SmallRye's connector wrote them. */
class CloudEventHeadersTest {

    private static final UUID ID = UUID.fromString("7d5c1a3e-4a8b-4e43-9a51-2b0c7f4ad001");

    @Test
    void anEventWithASubjectCarriesEveryHeaderInTheConnectorsOrder() {
        Headers headers = KafkaOutboxPublisher.headers(event("C-1", Instant.parse("2026-12-06T09:30:01.123456Z")));

        assertThat(Arrays.stream(headers.toArray()).map(Header::key).toList()).containsExactly("ce_specversion",
                "ce_id", "ce_type", "ce_source", "ce_subject", "content-type", "ce_time");
        assertThat(text(headers, "ce_specversion")).isEqualTo("1.0");
        assertThat(text(headers, "ce_id")).isEqualTo(ID.toString());
        assertThat(text(headers, "ce_type")).isEqualTo("behalf.consent.revoked");
        assertThat(text(headers, "ce_source")).isEqualTo("/behalf/consent-service");
        assertThat(text(headers, "ce_subject")).isEqualTo("C-1");
        assertThat(text(headers, "content-type")).isEqualTo("application/json");
        assertThat(text(headers, "ce_time")).isEqualTo("2026-12-06T09:30:01.123456Z");
    }

    @Test
    void anEventWithoutASubjectHasNoSubjectHeader() {
        Headers headers = KafkaOutboxPublisher.headers(event(null, Instant.parse("2026-12-06T09:30:00Z")));

        assertThat(headers.lastHeader("ce_subject")).isNull();
        assertThat(text(headers, "ce_time")).isEqualTo("2026-12-06T09:30:00Z");
        assertThat(List.of(headers.toArray())).hasSize(6);
    }

    private static OutboxEvent event(String subject, Instant at) {
        return new OutboxEvent(ID, 1, "consent.events", "T-1", "behalf.consent.revoked", "/behalf/consent-service",
                subject, at, "{}", 0);
    }

    private static String text(Headers headers, String key) {
        return new String(headers.lastHeader(key).value(), StandardCharsets.UTF_8);
    }
}
