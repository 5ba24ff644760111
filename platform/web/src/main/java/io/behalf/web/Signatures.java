package io.behalf.web;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Webhook and Slack request signatures: HMAC-SHA256, compared in constant time, with a replay window. */
public final class Signatures {

    /** Slack and Zendesk both refuse requests older (or newer) than this. */
    public static final Duration REPLAY_WINDOW = Duration.ofMinutes(5);

    private Signatures() {
    }

    public static byte[] hmacSha256(String secret, String message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** Constant time whatever the inputs: the comparison never tells an attacker how much of a guess was right. */
    public static boolean constantTimeEquals(String expected, String given) {
        if (expected == null || given == null) {
            return false;
        }
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
    }

    /** True when {@code timestamp} is within {@link #REPLAY_WINDOW} of {@code now}, either way. */
    public static boolean fresh(Instant timestamp, Instant now) {
        return timestamp != null && Duration.between(timestamp, now).abs().compareTo(REPLAY_WINDOW) <= 0;
    }

    public static String hex(byte[] bytes) {
        return java.util.HexFormat.of().formatHex(bytes);
    }
}
