package io.behalf.audit.checkpoint;

import io.behalf.audit.AuditConfig;
import io.behalf.audit.chain.Checkpoint;
import io.behalf.audit.chain.CheckpointSignature;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Instant;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * The Ed25519 key pair that signs checkpoints, read from configuration at start. A missing or mismatched pair
 * stops the service: checkpoints nobody can verify would be worse than none.
 */
@Startup
@ApplicationScoped
public class CheckpointKeys {

    private static final Logger LOG = Logger.getLogger(CheckpointKeys.class);

    private final PrivateKey privateKey;
    private final PublicKey publicKey;

    public CheckpointKeys(AuditConfig config) {
        AuditConfig.Checkpoints c = config.checkpoint();
        if (c.privateKey().isPresent()) {
            privateKey = CheckpointSignature.privateKey(c.privateKey().get());
            publicKey = c.publicKey().map(CheckpointSignature::publicKey)
                    .orElseGet(() -> CheckpointSignature.derivePublicKey(privateKey));
        } else if (c.ephemeralKey()) {
            KeyPair pair = generate();
            privateKey = pair.getPrivate();
            publicKey = pair.getPublic();
            LOG.warnf("no checkpoint key configured: signing with a key made up at start (%s); checkpoints will not "
                    + "verify after a restart", CheckpointSignature.keyId(publicKey));
        } else {
            throw new IllegalStateException("set behalf.audit.checkpoint.private-key (BEHALF_AUDIT_CHECKPOINT_PRIVATE_KEY,"
                    + " an Ed25519 PKCS#8 key, base64 or PEM; see audit-service/README.md)");
        }
        Checkpoint probe = new Checkpoint(0L, Instant.EPOCH, List.of(), keyId(), null);
        Checkpoint signed = new Checkpoint(0L, Instant.EPOCH, List.of(), keyId(), sign(probe.message()));
        if (!CheckpointSignature.verify(publicKey, signed)) {
            throw new IllegalStateException("the checkpoint private and public keys are not one pair");
        }
    }

    public static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance(CheckpointSignature.ALGORITHM).generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Ed25519 unavailable", e);
        }
    }

    public String sign(String message) {
        return CheckpointSignature.sign(privateKey, message);
    }

    public PublicKey publicKey() {
        return publicKey;
    }

    public String keyId() {
        return CheckpointSignature.keyId(publicKey);
    }
}
