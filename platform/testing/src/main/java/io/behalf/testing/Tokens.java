package io.behalf.testing;

import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.util.KeyUtils;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.Set;

/** Bearer tokens signed with the test key pair, as the services expect them: roles in the {@code groups} claim. */
public final class Tokens {

    public static final String ISSUER = "https://behalf.local/test";

    private static final PrivateKey KEY = load();

    private Tokens() {
    }

    public static String bearer(String user, String... roles) {
        return "Bearer " + token(user, Duration.ofHours(1), roles);
    }

    public static String token(String user, Duration lifetime, String... roles) {
        return Jwt.issuer(ISSUER).upn(user).subject(user).groups(Set.of(roles))
                .expiresIn(lifetime).sign(KEY);
    }

    private static PrivateKey load() {
        try (InputStream in = Tokens.class.getClassLoader().getResourceAsStream("behalf/test-jwt/privateKey.pem")) {
            return KeyUtils.decodePrivateKey(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the test signing key", e);
        }
    }
}
