package io.behalf.testing;

import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Keeps the embedded servers' chatter (INFO per partition, per initdb line) out of test and stack output. */
public final class QuietLogs {
    static final List<String> CATEGORIES = List.of("kafka", "org.apache.kafka", "state.change.logger", "io.zonky");

    // strong references: java.util.logging forgets the level of a logger nobody holds
    private static final List<Logger> LOGGERS = CATEGORIES.stream().map(Logger::getLogger).toList();

    private QuietLogs() {
    }

    public static void apply() {
        LOGGERS.forEach(logger -> logger.setLevel(Level.WARNING));
    }
}
