package io.behalf.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.lang.reflect.RecordComponent;
import java.util.stream.Collectors;

/**
 * Reads and writes event payloads the same way in every service: unknown fields are ignored (forward
 * compatible), a missing or null required field is rejected with an error naming it, times are RFC 3339.
 */
public final class EventJson {

    public static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private EventJson() {
    }

    public static <T> T read(String json, Class<T> type) {
        requirePresent(json);
        return checked(() -> MAPPER.readValue(json, type));
    }

    /** The payload as a tree, refused as {@link #read(String, Class)} refuses what is empty or not JSON. */
    public static JsonNode readTree(String json) {
        requirePresent(json);
        return checked(() -> MAPPER.readTree(json));
    }

    /** The same rules, for a payload already read into a tree (a consumer that keeps the tree parses it once). */
    public static <T> T read(JsonNode tree, Class<T> type) {
        if (tree == null || tree.isMissingNode()) {
            throw new InvalidEventException("empty payload");
        }
        return checked(() -> MAPPER.treeToValue(tree, type));
    }

    private static void requirePresent(String json) {
        if (json == null || json.isBlank()) {
            throw new InvalidEventException("empty payload");
        }
    }

    private interface Reading<T> {
        T read() throws JsonProcessingException;
    }

    private static <T> T checked(Reading<T> reading) {
        T value;
        try {
            value = reading.read();
        } catch (JsonMappingException e) {
            throw new InvalidEventException(describe(e), e);
        } catch (JsonProcessingException e) {
            throw new InvalidEventException("not JSON: " + e.getOriginalMessage(), e);
        }
        if (value == null) {
            throw new InvalidEventException("payload is null");
        }
        requireFields(value, "");
        return value;
    }

    public static Record read(EventType type, String json) {
        return read(json, type.payload());
    }

    public static String write(Object payload) {
        try {
            return MAPPER.writeValueAsString(payload);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write " + payload.getClass().getName(), e);
        }
    }

    public static JsonNode tree(Object payload) {
        return MAPPER.valueToTree(payload);
    }

    /** The field name on the wire of a record component. */
    public static String wireName(RecordComponent component) {
        JsonProperty property = component.getAnnotation(JsonProperty.class);
        if (property == null) {
            property = component.getAccessor().getAnnotation(JsonProperty.class);
        }
        return property != null && !property.value().isEmpty() ? property.value() : component.getName();
    }

    private static void requireFields(Object value, String path) {
        if (!(value instanceof Record record)) {
            return;
        }
        for (RecordFields.Field component : RecordFields.of(record.getClass())) {
            Object field = component.of(record);
            if (field == null || field instanceof JsonNode node && (node.isNull() || node.isMissingNode())) {
                if (!component.optional()) {
                    throw new InvalidEventException("missing required field '" + path + component.wireName() + "'");
                }
            } else {
                requireFields(field, path + component.wireName() + ".");
            }
        }
    }

    private static String describe(JsonMappingException e) {
        String field = e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
        String why = e.getOriginalMessage();
        int cut = why.indexOf('\n');
        why = cut > 0 ? why.substring(0, cut) : why;
        return field.isEmpty() ? "bad payload: " + why : "bad value for field '" + field + "': " + why;
    }
}
