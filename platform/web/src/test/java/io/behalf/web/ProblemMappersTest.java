package io.behalf.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class ProblemMappersTest {

    @Test
    void aRefusedOrShuttingDownDatabaseAnswers503WithRetryAfter() {
        var refused = new IllegalStateException("Unable to acquire JDBC Connection",
                new SQLException("Connection to 127.0.0.1:5432 refused", "08001"));
        var shuttingDown = new RuntimeException(new SQLException("terminating connection due to administrator command", "57P01"));
        var response = new ProblemMappers().unexpected(refused);
        assertThat(response.getStatus()).isEqualTo(503);
        assertThat(response.getHeaderString("Retry-After")).isEqualTo("5");
        assertThat(((Problem) response.getEntity()).detail()).contains("nothing was changed");
        assertThat(new ProblemMappers().unexpected(shuttingDown).getStatus()).isEqualTo(503);
    }

    @Test
    void anyOtherFailureIsA500WithoutItsMessage() {
        var constraint = new RuntimeException(new SQLException("duplicate key value violates unique constraint", "23505"));
        var response = new ProblemMappers().unexpected(constraint);
        assertThat(response.getStatus()).isEqualTo(500);
        assertThat(((Problem) response.getEntity()).detail()).doesNotContain("duplicate key");
    }
}
