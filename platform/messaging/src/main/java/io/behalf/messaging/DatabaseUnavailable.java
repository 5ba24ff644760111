package io.behalf.messaging;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

/**
 * Whether a failure means the database cannot be reached right now (a refused or broken connection, SQLState
 * class 08, or a server shutting down or starting, 57P01..57P03) rather than that the work itself is wrong. Such
 * a failure passes when the database is back: a record waits for it instead of becoming a dead letter, and an
 * HTTP caller is told to retry.
 */
public final class DatabaseUnavailable {

    private DatabaseUnavailable() {
    }

    public static boolean isCauseOf(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientConnectionException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P0"))) {
                return true;
            }
        }
        return false;
    }
}
