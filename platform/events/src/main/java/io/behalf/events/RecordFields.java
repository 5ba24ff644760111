package io.behalf.events;

import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.List;
import java.util.Optional;

/**
 * The components of a payload record, read by reflection once per class: every {@code getRecordComponents()} call
 * returns new component objects whose annotations are parsed again, which was a visible share of the CPU each
 * consumed event cost.
 */
final class RecordFields {

    record Field(String name, String wireName, Method accessor, boolean optional) {

        Object of(Record value) {
            try {
                return accessor.invoke(value);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static final ClassValue<List<Field>> FIELDS = new ClassValue<>() {
        @Override
        protected List<Field> computeValue(Class<?> type) {
            RecordComponent[] components = type.getRecordComponents();
            return components == null ? List.of() : java.util.Arrays.stream(components)
                    .map(c -> new Field(c.getName(), EventJson.wireName(c), c.getAccessor(),
                            c.isAnnotationPresent(OptionalField.class)))
                    .toList();
        }
    };

    private RecordFields() {
    }

    static List<Field> of(Class<?> type) {
        return FIELDS.get(type);
    }

    static Optional<Field> named(Class<?> type, String name) {
        return of(type).stream().filter(f -> f.name().equals(name)).findFirst();
    }
}
