package io.behalf.audit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import io.behalf.events.EventType;
import io.behalf.testing.BehalfTestInfrastructure;
import io.behalf.testing.TestKafka;
import io.behalf.testing.Tokens;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** GET /audit/records: filters, keyset paging, roles and problem bodies. */
@QuarkusTest
@WithTestResource(value = BehalfTestInfrastructure.class, scope = TestResourceScope.GLOBAL)
class AuditQueryTest {

    static final String AUDITOR = Tokens.bearer("audrey", "auditor");

    @Test
    void pagingReturnsEveryRecordOfTheFilterExactlyOnceInStableOrder() {
        String ticket = "ZD-" + UUID.randomUUID();
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 23; i++) {
            EventType type = i % 2 == 0 ? EventType.TICKET_COMMENT_ADDED : EventType.CONSENT_DENIED;
            sent.add(TestKafka.send(type, ticket, AuditIngestTest.fixture(type, ticket)));
        }
        sent.forEach(AuditDb::awaitStored);

        List<String> seen = new ArrayList<>();
        List<Long> seqs = new ArrayList<>();
        String after = null;
        int pages = 0;
        do {
            var request = given().header("Authorization", AUDITOR).queryParam("ticketId", ticket).queryParam("limit", 5);
            if (after != null) {
                request.queryParam("after", after);
            }
            JsonPath page = request.get("/audit/records").then().statusCode(200).extract().jsonPath();
            seen.addAll(page.getList("records.eventId", String.class));
            seqs.addAll(page.getList("records.seq", Long.class));
            assertThat(page.getList("records.ticketId", String.class)).containsOnly(ticket);
            after = page.getString("next");
            pages++;
        } while (after != null);

        assertThat(seen).hasSize(23).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(sent);
        assertThat(seqs).isSorted();
        assertThat(pages).isEqualTo(5);

        List<String> denied = given().header("Authorization", AUDITOR).queryParam("ticketId", ticket)
                .queryParam("type", EventType.CONSENT_DENIED.type()).queryParam("limit", 100)
                .get("/audit/records").then().statusCode(200).extract().jsonPath().getList("records.eventId");
        assertThat(denied).hasSize(11);
    }

    @Test
    void fromAndToSelectByWhenTheEventOccurred() {
        String ticket = "ZD-" + UUID.randomUUID();
        String id = TestKafka.send(EventType.TICKET_SOLVED, ticket, AuditIngestTest.fixture(EventType.TICKET_SOLVED, ticket));
        AuditDb.awaitStored(id);
        Instant occurred = Instant.parse(given().header("Authorization", AUDITOR).queryParam("ticketId", ticket)
                .get("/audit/records").jsonPath().getString("records[0].occurredAt"));
        given().header("Authorization", AUDITOR).queryParam("ticketId", ticket)
                .queryParam("from", occurred.toString()).queryParam("to", occurred.plusSeconds(1).toString())
                .get("/audit/records").then().statusCode(200).body("records.size()", equalTo(1));
        given().header("Authorization", AUDITOR).queryParam("ticketId", ticket)
                .queryParam("from", occurred.plusSeconds(1).toString())
                .get("/audit/records").then().statusCode(200).body("records.size()", equalTo(0));
        given().header("Authorization", AUDITOR).queryParam("subject", ticket)
                .get("/audit/records").then().statusCode(200).body("records[0].eventId", equalTo(id));
    }

    @Test
    void badParametersAreProblems() {
        for (String[] bad : List.of(new String[] {"from", "yesterday"}, new String[] {"after", "x:y"},
                new String[] {"limit", "0"}, new String[] {"limit", "100000"}, new String[] {"limit", "ten"})) {
            given().header("Authorization", AUDITOR).queryParam(bad[0], bad[1]).get("/audit/records")
                    .then().statusCode(400).contentType(startsWith("application/problem+json"))
                    .body("status", equalTo(400));
        }
        given().header("Authorization", AUDITOR).queryParam("after", "x").get("/audit/checkpoints")
                .then().statusCode(400).contentType(startsWith("application/problem+json"));
    }

    @Test
    void recordsAndExportNeedTheAuditorRole() {
        for (String path : List.of("/audit/records", "/audit/export")) {
            given().get(path).then().statusCode(401).contentType(startsWith("application/problem+json"));
            given().header("Authorization", Tokens.bearer("sam", "support-engineer", "support-manager")).get(path)
                    .then().statusCode(403).contentType(startsWith("application/problem+json"));
        }
    }

    @Test
    void healthMetricsAndOpenApiAreServed() {
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/metrics").then().statusCode(200);
        given().get("/q/openapi").then().statusCode(200);
    }
}
