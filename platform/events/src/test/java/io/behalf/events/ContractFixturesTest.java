package io.behalf.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import io.behalf.events.consent.ConsentRequested;
import io.behalf.events.ticket.TicketCommentAdded;
import io.behalf.events.ticket.TicketOpened;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class ContractFixturesTest {

    private static final JsonSchemaFactory SCHEMAS = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);

    @BeforeAll
    static void regenerateWhenAsked() throws Exception {
        if (Boolean.getBoolean("behalf.write-schemas")) {
            SchemaGenerator.write(Path.of("src/main/resources"));
        }
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void fixtureReadsIntoItsRecordAndWritesBackEqual(EventType type) throws Exception {
        String fixture = EventFixtures.json(type);
        Record payload = EventJson.read(type, fixture);
        assertThat(payload).isInstanceOf(type.payload());
        assertThat(EventJson.MAPPER.readTree(EventJson.write(payload))).isEqualTo(EventJson.MAPPER.readTree(fixture));
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void fixtureConformsToItsSchema(EventType type) throws Exception {
        JsonSchema schema = SCHEMAS.getSchema(EventFixtures.schema(type));
        assertThat(schema.validate(EventJson.MAPPER.readTree(EventFixtures.json(type)))).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void committedSchemaMatchesTheRecord(EventType type) throws Exception {
        assertThat(EventJson.MAPPER.readTree(EventFixtures.schema(type)))
                .as("schema of %s is stale: run with -Dbehalf.write-schemas=true", type.type())
                .isEqualTo(SchemaGenerator.schema(type));
    }

    static Stream<Arguments> requiredFields() throws Exception {
        List<Arguments> cases = new ArrayList<>();
        for (EventType type : EventType.values()) {
            JsonNode schema = EventJson.MAPPER.readTree(EventFixtures.schema(type));
            schema.get("required").forEach(field -> cases.add(Arguments.of(type, field.asText())));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} without {1}")
    @MethodSource("requiredFields")
    void missingRequiredFieldIsRejectedByName(EventType type, String field) throws Exception {
        ObjectNode fixture = (ObjectNode) EventJson.MAPPER.readTree(EventFixtures.json(type));
        fixture.remove(field);
        assertThatThrownBy(() -> EventJson.read(type, fixture.toString()))
                .isInstanceOf(InvalidEventException.class)
                .hasMessage("missing required field '" + field + "'");

        assertThatThrownBy(() -> EventJson.read(fixture, type.payload()))
                .isInstanceOf(InvalidEventException.class)
                .hasMessage("missing required field '" + field + "'");

        fixture.putNull(field);
        assertThatThrownBy(() -> EventJson.read(type, fixture.toString()))
                .isInstanceOf(InvalidEventException.class)
                .hasMessage("missing required field '" + field + "'");
        assertThatThrownBy(() -> EventJson.read(fixture, type.payload()))
                .isInstanceOf(InvalidEventException.class)
                .hasMessage("missing required field '" + field + "'");
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void aTreeReadsIntoTheSameRecordAsItsText(EventType type) throws Exception {
        String fixture = EventFixtures.json(type);
        assertThat(EventJson.read(EventJson.MAPPER.readTree(fixture), type.payload()))
                .isEqualTo(EventJson.read(type, fixture));
    }

    @Test
    void aTreeBreakingTheContractIsRejectedAsItsTextIs() throws Exception {
        ObjectNode fixture = (ObjectNode) EventJson.MAPPER.readTree(EventFixtures.json(EventType.CONSENT_REQUESTED));
        fixture.put("action", "FORMAT_HARD_DRIVE");
        assertThatThrownBy(() -> EventJson.read(fixture, ConsentRequested.class))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageStartingWith("bad value for field 'action'");
        assertThatThrownBy(() -> EventJson.read(EventJson.MAPPER.readTree("[1, 2]"), ConsentRequested.class))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageStartingWith("bad payload");
        assertThatThrownBy(() -> EventJson.read(EventJson.MAPPER.readTree(""), TicketOpened.class))
                .hasMessage("empty payload");
        assertThatThrownBy(() -> EventJson.read(EventJson.MAPPER.readTree("null"), TicketOpened.class))
                .hasMessage("payload is null");
    }

    @Test
    void thePartitionKeyIsTheTicketTheAccountOrTheImpersonatedUser() {
        assertThat(EventType.TICKET_OPENED.partitionKey(EventFixtures.payload(EventType.TICKET_OPENED))).contains("ZD-1001");
        assertThat(EventType.CONSENT_GRANTED.partitionKey(EventFixtures.payload(EventType.CONSENT_GRANTED)))
                .contains(EventFixtures.<io.behalf.events.consent.ConsentGranted>payload(EventType.CONSENT_GRANTED).ticketId());
        var requested = EventFixtures.<io.behalf.events.emailrelease.EmailReleaseRequested>payload(EventType.EMAIL_RELEASE_REQUESTED);
        assertThat(EventType.EMAIL_RELEASE_REQUESTED.partitionKey(requested)).contains(requested.accountId());
        var started = EventFixtures.<io.behalf.events.impersonation.ImpersonationStarted>payload(EventType.IMPERSONATION_STARTED);
        assertThat(EventType.IMPERSONATION_STARTED.partitionKey(started)).contains(started.user().userId());
        // a stopped impersonation names only the impersonation: its key cannot be checked from the payload
        assertThat(EventType.IMPERSONATION_STOPPED.partitionKey(EventFixtures.payload(EventType.IMPERSONATION_STOPPED))).isEmpty();
    }

    @Test
    void missingNestedFieldIsNamedWithItsPath() throws Exception {
        ObjectNode fixture = (ObjectNode) EventJson.MAPPER.readTree(EventFixtures.json(EventType.TICKET_OPENED));
        ((ObjectNode) fixture.get("requester")).remove("userId");
        assertThatThrownBy(() -> EventJson.read(fixture.toString(), TicketOpened.class))
                .hasMessage("missing required field 'requester.userId'");
    }

    @Test
    void optionalFieldMayBeAbsent() throws Exception {
        ObjectNode fixture = (ObjectNode) EventJson.MAPPER.readTree(EventFixtures.json(EventType.CONSENT_REQUESTED));
        fixture.remove("details");
        assertThat(EventJson.read(fixture.toString(), ConsentRequested.class).details()).isNull();
    }

    @Test
    void unknownFieldsAreIgnored() throws Exception {
        ObjectNode fixture = (ObjectNode) EventJson.MAPPER.readTree(EventFixtures.json(EventType.TICKET_COMMENT_ADDED));
        fixture.put("addedInAFutureVersion", 42);
        fixture.putObject("nested").put("x", "y");
        TicketCommentAdded comment = EventJson.read(fixture.toString(), TicketCommentAdded.class);
        assertThat(comment.isPublic()).isTrue();
        assertThat(comment.commentId()).isEqualTo("c-2");
    }

    @Test
    void unknownEnumValueIsRejectedNamingTheField() throws Exception {
        ObjectNode fixture = (ObjectNode) EventJson.MAPPER.readTree(EventFixtures.json(EventType.CONSENT_REQUESTED));
        fixture.put("action", "FORMAT_HARD_DRIVE");
        assertThatThrownBy(() -> EventJson.read(fixture.toString(), ConsentRequested.class))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageStartingWith("bad value for field 'action'");
    }

    @Test
    void wrongShapeIsRejectedNamingTheField() throws Exception {
        ObjectNode fixture = (ObjectNode) EventJson.MAPPER.readTree(EventFixtures.json(EventType.TICKET_SOLVED));
        fixture.put("solvedAt", "last tuesday");
        assertThatThrownBy(() -> EventJson.read(fixture.toString(), io.behalf.events.ticket.TicketSolved.class))
                .hasMessageStartingWith("bad value for field 'solvedAt'");
    }

    @Test
    void notJsonIsRejected() {
        assertThatThrownBy(() -> EventJson.read("{not json", TicketOpened.class))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageStartingWith("not JSON");
        assertThatThrownBy(() -> EventJson.read("", TicketOpened.class)).hasMessage("empty payload");
        assertThatThrownBy(() -> EventJson.read("null", TicketOpened.class)).hasMessage("payload is null");
    }

    @Test
    void everyTypeIsOnADesignTopicAndFindableByName() {
        Arrays.stream(EventType.values()).forEach(t -> {
            assertThat(Topics.all()).contains(t.topic());
            assertThat(EventType.of(t.type())).contains(t);
            assertThat(EventType.of(t.payload())).isEqualTo(t);
        });
        assertThat(EventType.of("behalf.unknown")).isEmpty();
    }
}
