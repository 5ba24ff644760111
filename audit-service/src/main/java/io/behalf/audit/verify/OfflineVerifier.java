package io.behalf.audit.verify;

import com.fasterxml.jackson.databind.JsonNode;
import io.behalf.audit.chain.ChainVerifier;
import io.behalf.audit.chain.Checkpoint;
import io.behalf.audit.chain.CheckpointSignature;
import io.behalf.events.EventJson;
import io.behalf.events.audit.AuditRecord;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks a JSON Lines export (GET /audit/export) against signed checkpoints (GET /audit/checkpoints) without the
 * database or the service running:
 *
 * <pre>
 * java -cp "audit-service/target/quarkus-app/app/*:audit-service/target/quarkus-app/lib/main/*" \
 *     io.behalf.audit.verify.OfflineVerifier export.jsonl checkpoints.json [--public-key BASE64_X509]
 * </pre>
 *
 * Pin the key with {@code --public-key} (from a trusted channel); otherwise the key inside the checkpoints file
 * is used. Prints the result as JSON; exit 0 when the export verifies and at least one signed head anchors it,
 * 1 when it does not, 2 on bad arguments.
 */
public final class OfflineVerifier {

    private OfflineVerifier() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length != 2 && !(args.length == 4 && "--public-key".equals(args[2]))) {
            err.println("usage: OfflineVerifier <export.jsonl> <checkpoints.json> [--public-key <base64 X.509>]");
            return 2;
        }
        try {
            JsonNode checkpointsFile = EventJson.MAPPER.readTree(Path.of(args[1]).toFile());
            String encodedKey = args.length == 4 ? args[3] : checkpointsFile.path("publicKey").asText(null);
            if (encodedKey == null) {
                err.println("no public key: pass --public-key or use the GET /audit/checkpoints response");
                return 2;
            }
            PublicKey key = CheckpointSignature.publicKey(encodedKey);
            ChainVerifier verifier = new ChainVerifier(false, key, checkpoints(checkpointsFile));
            try (BufferedReader lines = Files.newBufferedReader(Path.of(args[0]), StandardCharsets.UTF_8)) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    if (!line.isBlank()) {
                        verifier.accept(EventJson.read(line, AuditRecord.class));
                    }
                }
            }
            ChainVerifier.Result result = verifier.result();
            out.println(EventJson.write(result));
            return result.ok() && result.headsMatched() > 0 ? 0 : 1;
        } catch (IOException | RuntimeException e) {
            err.println("cannot verify: " + e.getMessage());
            return 2;
        }
    }

    /** Accepts the whole GET /audit/checkpoints response or one checkpoint object of it. */
    static List<Checkpoint> checkpoints(JsonNode file) {
        List<Checkpoint> checkpoints = new ArrayList<>();
        JsonNode list = file.has("checkpoints") ? file.get("checkpoints") : EventJson.MAPPER.createArrayNode().add(file);
        for (JsonNode c : list) {
            checkpoints.add(new Checkpoint(c.get("id").asLong(), Instant.parse(c.get("createdAt").asText()),
                    Checkpoint.readHeads(c.get("heads")), c.get("keyId").asText(), c.get("signature").asText()));
        }
        return checkpoints;
    }
}
