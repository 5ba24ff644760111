package io.behalf.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * Derives each type's JSON Schema from its record so the committed schemas cannot drift from the code.
 * Run {@code ./mvnw -pl platform/events test -Dbehalf.write-schemas=true} after changing a record.
 */
final class SchemaGenerator {

    private SchemaGenerator() {
    }

    static ObjectNode schema(EventType type) {
        ObjectNode schema = EventJson.MAPPER.createObjectNode();
        schema.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        schema.put("$id", "https://behalf.io/events/" + type.type() + ".schema.json");
        schema.put("title", type.type());
        schema.put("description", "data of a " + type.type() + " CloudEvent on " + type.topic());
        schema.setAll(object(type.payload()));
        return schema;
    }

    static void main(String[] args) throws Exception {
        write(Path.of(args.length > 0 ? args[0] : "src/main/resources"));
    }

    static void write(Path resources) throws Exception {
        for (EventType type : EventType.values()) {
            Path file = resources.resolve(type.schemaResource());
            Files.createDirectories(file.getParent());
            Files.writeString(file, EventJson.MAPPER.writerWithDefaultPrettyPrinter()
                    .writeValueAsString(schema(type)) + "\n");
        }
    }

    private static ObjectNode object(Class<?> record) {
        ObjectNode node = EventJson.MAPPER.createObjectNode();
        node.put("type", "object");
        ObjectNode properties = node.putObject("properties");
        ArrayNode required = EventJson.MAPPER.createArrayNode();
        for (RecordComponent c : record.getRecordComponents()) {
            String name = EventJson.wireName(c);
            boolean optional = c.isAnnotationPresent(OptionalField.class);
            ObjectNode property = type(c.getGenericType());
            if (optional) {
                property = nullable(property);
            } else {
                required.add(name);
            }
            properties.set(name, property);
        }
        node.set("required", required);
        node.put("additionalProperties", true);
        return node;
    }

    private static ObjectNode nullable(ObjectNode property) {
        if (property.has("type")) {
            ArrayNode types = EventJson.MAPPER.createArrayNode().add(property.get("type")).add("null");
            property.set("type", types);
            if (property.has("enum")) {
                ((ArrayNode) property.get("enum")).addNull();
            }
        }
        return property;
    }

    private static ObjectNode type(Type generic) {
        ObjectNode node = EventJson.MAPPER.createObjectNode();
        if (generic instanceof ParameterizedType p && p.getRawType() == List.class) {
            node.put("type", "array");
            node.set("items", type(p.getActualTypeArguments()[0]));
            return node;
        }
        Class<?> raw = (Class<?>) generic;
        if (raw == String.class) {
            node.put("type", "string");
        } else if (raw == Instant.class) {
            node.put("type", "string");
            node.put("format", "date-time");
        } else if (raw == Boolean.class || raw == boolean.class) {
            node.put("type", "boolean");
        } else if (raw == Integer.class || raw == Long.class || raw == int.class || raw == long.class) {
            node.put("type", "integer");
        } else if (raw.isEnum()) {
            node.put("type", "string");
            ArrayNode values = node.putArray("enum");
            for (Object constant : raw.getEnumConstants()) {
                values.add(((Enum<?>) constant).name());
            }
        } else if (raw.isRecord()) {
            return object(raw);
        } else if (JsonNode.class.isAssignableFrom(raw)) {
            node.put("description", "any JSON value");
        } else {
            throw new IllegalArgumentException("no schema mapping for " + raw);
        }
        return node;
    }
}
