package io.behalf.audit.chain;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.NamedParameterSpec;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/** Ed25519 (built into JDK 15+) over a checkpoint's canonical message; keys are base64 PKCS#8 / X.509 DER. */
public final class CheckpointSignature {

    public static final String ALGORITHM = "Ed25519";

    private CheckpointSignature() {
    }

    /** Base64 DER, or PEM (also on one line with literal {@code \n}s, as env files carry it). */
    public static PrivateKey privateKey(String base64Pkcs8) {
        try {
            return KeyFactory.getInstance(ALGORITHM)
                    .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(der(base64Pkcs8))));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            // the message never includes the key material
            throw new IllegalArgumentException("the checkpoint private key is not a base64 PKCS#8 Ed25519 key");
        }
    }

    public static PublicKey publicKey(String base64X509) {
        try {
            return KeyFactory.getInstance(ALGORITHM)
                    .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(der(base64X509))));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("the checkpoint public key is not a base64 X.509 Ed25519 key");
        }
    }

    /**
     * The public key of an Ed25519 private key. The JDK has no public API for it, but its key-pair generator
     * takes the 32-byte private key from the SecureRandom it is given and computes the public key from it.
     */
    public static PublicKey derivePublicKey(PrivateKey key) {
        byte[] seed = ((EdECPrivateKey) key).getBytes()
                .orElseThrow(() -> new IllegalArgumentException("the checkpoint private key has no key bytes"));
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(ALGORITHM);
            generator.initialize(NamedParameterSpec.ED25519, new SecureRandom() {
                @Override
                public void nextBytes(byte[] bytes) {
                    System.arraycopy(seed, 0, bytes, 0, Math.min(seed.length, bytes.length));
                }
            });
            return generator.generateKeyPair().getPublic();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot derive the checkpoint public key", e);
        }
    }

    private static String der(String text) {
        return text.replace("\\n", "\n").replaceAll("-----(BEGIN|END) [A-Z ]+-----", "").replaceAll("\\s", "");
    }

    public static String encode(PublicKey key) {
        return Base64.getEncoder().encodeToString(key.getEncoded());
    }

    /** Names a key in each checkpoint, so a verifier knows which key (of a rotation) to check it with. */
    public static String keyId(PublicKey key) {
        return ChainHash.sha256(key.getEncoded());
    }

    public static String sign(PrivateKey key, String message) {
        try {
            Signature s = Signature.getInstance(ALGORITHM);
            s.initSign(key);
            s.update(message.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(s.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a checkpoint", e);
        }
    }

    public static boolean verify(PublicKey key, Checkpoint checkpoint) {
        try {
            Signature s = Signature.getInstance(ALGORITHM);
            s.initVerify(key);
            s.update(checkpoint.message().getBytes(StandardCharsets.UTF_8));
            return s.verify(Base64.getDecoder().decode(checkpoint.signature()));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }
}
