package io.behalf.local;

import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.util.KeyUtils;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.Base64;
import java.util.Set;

/**
 * The keys a local run needs and production takes from configuration: the JWT signing pair (services verify with
 * the public key) and the audit checkpoint key (Ed25519). Generated once under {@code .local/keys}.
 */
final class LocalKeys {

    static final String ISSUER = "https://behalf.local";

    final Path jwtPublicKey;
    final Path jwtPrivateKey;
    final String checkpointPrivateKey;
    final String checkpointPublicKey;

    private LocalKeys(Path dir) throws IOException, GeneralSecurityException {
        Files.createDirectories(dir);
        jwtPublicKey = dir.resolve("jwt-public.pem");
        jwtPrivateKey = dir.resolve("jwt-private.pem");
        if (!Files.exists(jwtPrivateKey)) {
            KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
            rsa.initialize(2048);
            KeyPair pair = rsa.generateKeyPair();
            Files.writeString(jwtPrivateKey, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
            Files.writeString(jwtPublicKey, pem("PUBLIC KEY", pair.getPublic().getEncoded()));
        }
        Path checkpointPrivate = dir.resolve("audit-checkpoint-private.b64");
        Path checkpointPublic = dir.resolve("audit-checkpoint-public.b64");
        if (!Files.exists(checkpointPrivate)) {
            KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            Files.writeString(checkpointPrivate, Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded()));
            Files.writeString(checkpointPublic, Base64.getEncoder().encodeToString(pair.getPublic().getEncoded()));
        }
        checkpointPrivateKey = Files.readString(checkpointPrivate).trim();
        checkpointPublicKey = Files.readString(checkpointPublic).trim();
    }

    static LocalKeys in(Path dir) {
        try {
            return new LocalKeys(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    String token(String user, String... roles) {
        try {
            PrivateKey key = KeyUtils.decodePrivateKey(Files.readString(jwtPrivateKey));
            return Jwt.issuer(ISSUER).upn(user).subject(user).groups(Set.of(roles)).expiresIn(Duration.ofHours(8))
                    .sign(key);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
