package io.behalf.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.behalf.events.EventFixtures;
import io.behalf.events.EventType;
import io.behalf.events.Topics;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class EmbeddedInfrastructureTest {

    @Test
    void brokerHasEveryTopicWithSixPartitionsAndCarriesCloudEvents() throws Exception {
        String servers = BehalfTestInfrastructure.bootstrapServers();
        try (var admin = EmbeddedKafka.admin(servers)) {
            var topics = admin.describeTopics(Topics.all()).allTopicNames().get(30, TimeUnit.SECONDS);
            assertThat(topics.keySet()).containsExactlyInAnyOrderElementsOf(Topics.all());
            topics.values().forEach(t -> assertThat(t.partitions()).hasSize(EmbeddedKafka.LOCAL_PARTITIONS));
        }
        try (var reader = TestKafka.fromNow(Topics.TICKET_EVENTS)) {
            String id = TestKafka.send(EventType.TICKET_SOLVED, "ZD-1", EventFixtures.json(EventType.TICKET_SOLVED));
            var record = reader.await(r -> id.equals(TestKafka.header(r, "ce_id")), Duration.ofSeconds(30));
            assertThat(record.key()).isEqualTo("ZD-1");
            assertThat(TestKafka.header(record, "ce_type")).isEqualTo("behalf.ticket.solved");
            assertThat(TestKafka.header(record, "ce_specversion")).isEqualTo("1.0");
        }
    }

    @Test
    void postgresGivesTheModuleItsOwnDatabase() throws Exception {
        Map<String, String> config = new BehalfTestInfrastructure().start();
        assertThat(config.get("quarkus.datasource.jdbc.url")).endsWith("/testing");
        try (var c = DriverManager.getConnection(config.get("quarkus.datasource.jdbc.url"),
                config.get("quarkus.datasource.username"), config.get("quarkus.datasource.password"));
                var rs = c.createStatement().executeQuery("select current_database(), current_setting('server_version_num')")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("testing");
            assertThat(rs.getInt(2)).isGreaterThanOrEqualTo(170000);
        }
    }
}
