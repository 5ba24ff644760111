package io.behalf.audit.chain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The heads of all chains at one moment, signed together with Ed25519. The signature covers
 * {@link #message()}: the canonical JSON {@code {"createdAt":…,"heads":[{"chain":…,"hash":…,"seq":…},…]}}.
 */
public record Checkpoint(Long id, Instant createdAt, List<ChainHead> heads, String keyId, String signature) {

    public Checkpoint {
        heads = heads.stream().sorted(Comparator.comparingInt(ChainHead::chain)).toList();
        createdAt = ChainHash.micros(createdAt);
    }

    public String message() {
        ObjectNode o = CanonicalJson.object();
        o.put("createdAt", createdAt.toString());
        o.set("heads", CanonicalJson.read(headsJson(heads)));
        return CanonicalJson.write(o);
    }

    public static String headsJson(List<ChainHead> heads) {
        ArrayNode array = CanonicalJson.array();
        heads.stream().sorted(Comparator.comparingInt(ChainHead::chain)).forEach(h -> array.addObject()
                .put("chain", h.chain()).put("seq", h.seq()).put("hash", h.hash()));
        return CanonicalJson.write(array);
    }

    public static List<ChainHead> readHeads(String json) {
        return readHeads(CanonicalJson.read(json));
    }

    public static List<ChainHead> readHeads(JsonNode array) {
        List<ChainHead> heads = new ArrayList<>();
        array.forEach(h -> heads.add(new ChainHead(h.get("chain").asInt(), h.get("seq").asLong(),
                h.get("hash").asText())));
        return heads;
    }
}
