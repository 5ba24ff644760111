package io.behalf.impersonation.slack;

import io.behalf.web.ProblemException;
import io.behalf.web.Signatures;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import java.time.Instant;

/**
 * Slack's request signature: {@code v0=} hex HMAC-SHA256 of {@code v0:{timestamp}:{raw body}} with the signing
 * secret, compared in constant time, the timestamp within five minutes either way. Checked here rather than by
 * the SDK's verifier, which compares in variable time and accepts timestamps from the future.
 */
@ApplicationScoped
public class SlackRequestVerifier {

    private final SlackSettings settings;

    public SlackRequestVerifier(SlackSettings settings) {
        this.settings = settings;
    }

    public void verify(String timestamp, String signature, String body, Instant now) {
        String secret = settings.signingSecret().filter(s -> !s.isBlank())
                .orElseThrow(() -> refused("the Slack signing secret is not configured"));
        if (timestamp == null || signature == null) {
            throw refused("missing X-Slack-Request-Timestamp or X-Slack-Signature");
        }
        Instant sent;
        try {
            sent = Instant.ofEpochSecond(Long.parseLong(timestamp.trim()));
        } catch (NumberFormatException | java.time.DateTimeException e) {
            throw refused("X-Slack-Request-Timestamp is not a Unix time");
        }
        String expected = "v0=" + Signatures.hex(Signatures.hmacSha256(secret, "v0:" + timestamp + ":" + body));
        // the signature is checked before the clock, so the answer tells nothing to a sender without the secret
        if (!Signatures.constantTimeEquals(expected, signature)) {
            throw refused("the Slack signature does not match");
        }
        if (!Signatures.fresh(sent, now)) {
            throw refused("the Slack request timestamp is outside the five-minute window");
        }
    }

    private static ProblemException refused(String detail) {
        return new ProblemException(Response.Status.UNAUTHORIZED, "bad-signature", detail);
    }
}
