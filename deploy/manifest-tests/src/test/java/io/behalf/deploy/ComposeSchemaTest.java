package io.behalf.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.NonValidationKeyword;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * deploy/docker-compose.yml against the Compose Specification's JSON schema, vendored under
 * src/test/resources/compose-spec (see its README), so CI checks the file without a container engine
 * or the network.
 */
class ComposeSchemaTest {
    static JsonSchema schema;
    static JsonNode compose;

    @BeforeAll
    static void load() throws IOException {
        JsonNode schemaNode;
        try (InputStream in = ComposeSchemaTest.class.getResourceAsStream("/compose-spec/compose-spec.json")) {
            schemaNode = new YAMLMapper().readTree(in);
        }
        // The schema says draft 2019-09 but, written in 2020, still labels its subschemas with
        // draft-04's "id", which 2019-09 no longer knows and the validator refuses. Its draft is
        // given to the factory instead, extended with "id" as a keyword that validates nothing;
        // every other keyword keeps its 2019-09 meaning.
        ((ObjectNode) schemaNode).remove("$schema");
        String iri = "urn:behalf:compose-spec-2019-09";
        JsonMetaSchema draft = JsonMetaSchema.builder(iri, JsonMetaSchema.getV201909())
                .keyword(new NonValidationKeyword("id"))
                .build();
        schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V201909,
                        builder -> builder.metaSchema(draft).defaultMetaSchemaIri(iri))
                .getSchema(schemaNode);
        compose = new YAMLMapper().readTree(Expected.deployDir().resolve("docker-compose.yml").toFile());
    }

    @Test
    void composeFileConformsToTheComposeSpecification() {
        Set<ValidationMessage> errors = schema.validate(compose);
        assertThat(errors).isEmpty();
    }

    @Test
    void theSchemaRejectsWhatComposeRejects() throws IOException {
        // Guards the check above against a schema that accepts anything (a wrong draft, a lost $ref).
        ObjectNode misspelt = compose.deepCopy();
        ((ObjectNode) misspelt.path("services").path("consent-service")).put("healthchek", "x");
        assertThat(schema.validate(misspelt)).isNotEmpty();

        ObjectNode badCondition = compose.deepCopy();
        ((ObjectNode) badCondition.path("services").path("consent-service").path("depends_on").path("kafka"))
                .put("condition", "service_ready");
        assertThat(schema.validate(badCondition)).isNotEmpty();

        ObjectNode badPorts = compose.deepCopy();
        ((ObjectNode) badPorts.path("services").path("consent-service")).put("ports", "8081:8081");
        assertThat(schema.validate(badPorts)).isNotEmpty();
    }
}
