package io.behalf.audit.chain;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.behalf.events.EventJson;
import io.behalf.events.audit.AuditRecord;
import java.security.KeyPair;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The canonical form and hash are a published contract (docs/audit-log.md): these values must never drift. */
class ChainHashTest {

    static final String TEST_PRIVATE_KEY = "MC4CAQAwBQYDK2VwBCIEIGe2CFVyjDkRquEEK31/pCfCRW6w4TvaIn7XtfhvGKt9";
    static final String TEST_PUBLIC_KEY = "MCowBQYDK2VwAyEAaNy3RF2pLUPYzrtCKwZ87x+sRefLgKrOhlchsXZDdHo=";

    @Test
    void theCanonicalFormSortsMembersKeepsNullsAndCutsTimesToMicroseconds() {
        ObjectNode data = CanonicalJson.object().put("ticketId", "ZD-1").put("solvedAt", "2026-11-28T10:00:00Z");
        AuditRecord record = new AuditRecord(0, 1L, "e-1", "behalf.ticket.solved", "/behalf/test", null, "ZD-1", null,
                Instant.parse("2026-11-28T10:00:00Z"), Instant.parse("2026-11-28T10:00:01.500000999Z"), data,
                ChainHash.GENESIS, null, List.of());

        assertThat(ChainHash.canonical(record)).isEqualTo("{\"actor\":null,\"chain\":0,"
                + "\"data\":{\"solvedAt\":\"2026-11-28T10:00:00Z\",\"ticketId\":\"ZD-1\"},\"eventId\":\"e-1\","
                + "\"notes\":[],\"occurredAt\":\"2026-11-28T10:00:00Z\",\"prevHash\":\"" + "0".repeat(64) + "\","
                + "\"recordedAt\":\"2026-11-28T10:00:01.500Z\",\"seq\":1,\"source\":\"/behalf/test\","
                + "\"subject\":null,\"ticketId\":\"ZD-1\",\"type\":\"behalf.ticket.solved\"}");
        assertThat(ChainHash.of(record)).isEqualTo("063d4dbc14b31d13af503b9bcbd93413ab393ae2f8086c3f52eaf008570b02e0");
    }

    @Test
    void theCanonicalFormOfNestedValuesIsTheDocumentedText() {
        String canonical = CanonicalJson.write(CanonicalJson.read("{\"t\":true,\"n\":12345678901234,"
                + "\"big\":123456789012345678901234,\"b\":[3,{\"z\":1.50,\"a\":null}],\"a\":\"\\u00e9\\n\"}"));
        assertThat(canonical).isEqualTo("{\"a\":\"\u00e9\\n\",\"b\":[3,{\"a\":null,\"z\":1.5}],"
                + "\"big\":123456789012345678901234,\"n\":12345678901234,\"t\":true}");
    }

    @Test
    void aRecordHashedFromItsStoredDataTextHashesAsFromItsTree() {
        ObjectNode data = (ObjectNode) CanonicalJson.read("{\"z\":[1,{\"b\":\"\\ud83d\\ude00\",\"a\":null}],\"a\":\"é\"}");
        AuditRecord record = new AuditRecord(3, 7L, "e-7", "behalf.consent.granted", "/behalf/test", "c-1", "ZD-7",
                "42", Instant.parse("2026-11-28T10:00:00Z"), Instant.parse("2026-11-28T10:00:01Z"), data,
                "a".repeat(64), null, List.of("a note"));
        String storedText = CanonicalJson.write(data);

        assertThat(ChainHash.of(record, storedText)).isEqualTo(ChainHash.of(record));
        // and the documented hash of the first test does not move when it comes through the stored text
        AuditRecord solved = new AuditRecord(0, 1L, "e-1", "behalf.ticket.solved", "/behalf/test", null, "ZD-1", null,
                Instant.parse("2026-11-28T10:00:00Z"), Instant.parse("2026-11-28T10:00:01.500000999Z"), null,
                ChainHash.GENESIS, null, List.of());
        assertThat(ChainHash.of(solved, "{\"solvedAt\":\"2026-11-28T10:00:00Z\",\"ticketId\":\"ZD-1\"}"))
                .isEqualTo("063d4dbc14b31d13af503b9bcbd93413ab393ae2f8086c3f52eaf008570b02e0");
    }

    @Test
    void aStoredRecordReadForWritingWritesItsDataTextUnchanged() throws Exception {
        String text = "{\"a\":\"é\",\"n\":1.5,\"z\":[1,null]}";
        JsonNode raw = JsonNodeFactory.instance
                .rawValueNode(new RawValue(text));
        AuditRecord record = new AuditRecord(0, 1L, "e-1", "t", "/s", null, null, null, Instant.EPOCH, Instant.EPOCH,
                raw, ChainHash.GENESIS, "h", List.of());
        AuditRecord parsed = new AuditRecord(0, 1L, "e-1", "t", "/s", null, null, null, Instant.EPOCH, Instant.EPOCH,
                CanonicalJson.read(text), ChainHash.GENESIS, "h", List.of());

        assertThat(EventJson.write(record)).isEqualTo(EventJson.write(parsed));
    }

    @Test
    void canonicalisingTwiceChangesNothing() {
        String once = CanonicalJson.write(CanonicalJson.read("{\"b\":[3,{\"z\":1.50,\"a\":null}],\"a\":\"\\u00e9\\n\"}"));
        assertThat(CanonicalJson.write(CanonicalJson.read(once))).isEqualTo(once);
        assertThat(once).isEqualTo("{\"a\":\"é\\n\",\"b\":[3,{\"a\":null,\"z\":1.5}]}");
    }

    @Test
    void thePublicKeyIsDerivedFromThePrivateKeyAndPemIsAccepted() {
        var privateKey = CheckpointSignature.privateKey(TEST_PRIVATE_KEY);
        assertThat(CheckpointSignature.encode(CheckpointSignature.derivePublicKey(privateKey))).isEqualTo(TEST_PUBLIC_KEY);

        KeyPair pair = io.behalf.audit.checkpoint.CheckpointKeys.generate();
        String pem = "-----BEGIN PRIVATE KEY-----\\n"
                + Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded()) + "\\n-----END PRIVATE KEY-----\\n";
        var derived = CheckpointSignature.derivePublicKey(CheckpointSignature.privateKey(pem));
        assertThat(derived.getEncoded()).isEqualTo(pair.getPublic().getEncoded());
    }

    @Test
    void aSignatureVerifiesOnlyForItsMessageAndKey() {
        var privateKey = CheckpointSignature.privateKey(TEST_PRIVATE_KEY);
        var publicKey = CheckpointSignature.publicKey(TEST_PUBLIC_KEY);
        List<ChainHead> heads = List.of(new ChainHead(0, 42, "ab".repeat(32)));
        Checkpoint unsigned = new Checkpoint(1L, Instant.parse("2026-11-28T10:00:00Z"), heads,
                CheckpointSignature.keyId(publicKey), null);
        assertThat(unsigned.message()).isEqualTo("{\"createdAt\":\"2026-11-28T10:00:00Z\",\"heads\":[{\"chain\":0,"
                + "\"hash\":\"" + "ab".repeat(32) + "\",\"seq\":42}]}");
        Checkpoint signed = new Checkpoint(1L, unsigned.createdAt(), heads, unsigned.keyId(),
                CheckpointSignature.sign(privateKey, unsigned.message()));
        assertThat(CheckpointSignature.verify(publicKey, signed)).isTrue();
        Checkpoint otherHead = new Checkpoint(1L, unsigned.createdAt(), List.of(new ChainHead(0, 43, "ab".repeat(32))),
                unsigned.keyId(), signed.signature());
        assertThat(CheckpointSignature.verify(publicKey, otherHead)).isFalse();
        assertThat(CheckpointSignature.verify(io.behalf.audit.checkpoint.CheckpointKeys.generate().getPublic(), signed))
                .isFalse();
    }
}
