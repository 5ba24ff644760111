package io.behalf.audit;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

@ConfigMapping(prefix = "behalf.audit")
public interface AuditConfig {

    /** Number of hash chains; a record goes to chain hash(key) mod chains. More chains, more parallel writers. */
    @WithDefault("1")
    int chains();

    Checkpoints checkpoint();

    Export export();

    Query query();

    interface Checkpoints {
        /** Base64 PKCS#8 Ed25519 private key; secret, never logged. */
        Optional<String> privateKey();

        /** Base64 X.509 Ed25519 public key; derived from the private key when absent, checked against it when set. */
        Optional<String> publicKey();

        /** Only for dev mode: sign with a key made up at start when none is configured. */
        @WithDefault("false")
        boolean ephemeralKey();

        /** A checkpoint after this many new records... */
        @WithDefault("1000")
        int everyRecords();

        /** ...or after this much time, whichever comes first (nothing new, no checkpoint). */
        @WithDefault("60s")
        Duration every();
    }

    interface Export {
        /** Rows fetched per round trip by the export and verify cursors: the memory bound of a stream. */
        @WithDefault("500")
        int fetchSize();
    }

    interface Query {
        @WithDefault("100")
        int defaultLimit();

        @WithDefault("1000")
        int maxLimit();
    }
}
