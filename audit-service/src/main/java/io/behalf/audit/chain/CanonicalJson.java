package io.behalf.audit.chain;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.SegmentedStringWriter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Arrays;
import java.util.Iterator;

/**
 * The one serialization that is hashed and signed (docs/audit-log.md): JSON without whitespace, object members
 * sorted by name (Java {@link String#compareTo}, i.e. UTF-16 code units) at every depth, array order kept,
 * strings with Jackson's minimal escaping and numbers as Jackson writes the parsed value. Applying it twice gives
 * the same text, so a stored canonical text can be re-read and re-hashed by anyone, the offline verifier included.
 */
public final class CanonicalJson {

    /** Plain Jackson on purpose: no modules or features whose defaults could change what bytes are hashed. */
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private CanonicalJson() {
    }

    public static String write(JsonNode node) {
        // written straight from the tree, members in sorted order: a sorted copy of the tree cost as much as writing
        // Jackson's pooled segments, as writeValueAsString uses: a StringWriter grew and copied its buffer per record
        SegmentedStringWriter out = new SegmentedStringWriter(MAPPER.getFactory()._getBufferRecycler());
        try {
            try (JsonGenerator generator = MAPPER.getFactory().createGenerator(out)) {
                write(node, generator);
            }
            return out.getAndClear();
        } catch (IOException e) {
            throw new IllegalStateException("cannot write canonical JSON", e);
        }
    }

    private static void write(JsonNode node, JsonGenerator out) throws IOException {
        if (node == null || node.isMissingNode() || node.isNull()) {
            out.writeNull();
        } else if (node.isObject()) {
            String[] names = new String[node.size()];
            Iterator<String> fields = node.fieldNames();
            for (int i = 0; i < names.length; i++) {
                names[i] = fields.next();
            }
            Arrays.sort(names);
            out.writeStartObject();
            for (String name : names) {
                out.writeFieldName(name);
                write(node.get(name), out);
            }
            out.writeEndObject();
        } else if (node.isArray()) {
            out.writeStartArray();
            for (JsonNode element : node) {
                write(element, out);
            }
            out.writeEndArray();
        } else if (node.isTextual()) {
            out.writeString(node.textValue());
        } else if (node.isInt()) {
            out.writeNumber(node.intValue());
        } else if (node.isLong()) {
            out.writeNumber(node.longValue());
        } else if (node.isBoolean()) {
            out.writeBoolean(node.booleanValue());
        } else {
            // any other value node writes itself as the mapper would (numbers as parsed)
            MAPPER.writeTree(out, node);
        }
    }

    public static JsonNode read(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
        }
    }

    public static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }

    public static ArrayNode array() {
        return JsonNodeFactory.instance.arrayNode();
    }
}
