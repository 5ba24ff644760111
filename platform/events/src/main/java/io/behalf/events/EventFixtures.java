package io.behalf.events;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The example payload of each type, read by producer and consumer tests alike so both sides share one contract. */
public final class EventFixtures {
    private EventFixtures() {
    }

    public static String json(EventType type) {
        return resource(type.fixtureResource());
    }

    public static String schema(EventType type) {
        return resource(type.schemaResource());
    }

    @SuppressWarnings("unchecked")
    public static <T extends Record> T payload(EventType type) {
        return (T) EventJson.read(type, json(type));
    }

    private static String resource(String name) {
        try (InputStream in = EventFixtures.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
