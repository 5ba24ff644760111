package io.behalf.deploy;

import io.behalf.events.Topics;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Each service's src/main/docker/Dockerfile.jvm: the fast-jar layout Quarkus packages, on Java 17. */
class DockerfileTest {

    static List<String> services() {
        return Topics.SERVICES;
    }

    @ParameterizedTest
    @MethodSource("services")
    void dockerfileRunsTheFastJarOnJava17(String service) throws IOException {
        Path dockerfile = Expected.repoDir().resolve(service).resolve("src/main/docker/Dockerfile.jvm");
        assertThat(dockerfile).isRegularFile();
        List<String> lines = Files.readAllLines(dockerfile).stream()
                .map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();

        assertThat(lines).filteredOn(l -> l.startsWith("FROM ")).singleElement().satisfies(from ->
                assertThat(from).containsAnyOf("ubi9/openjdk-17", "eclipse-temurin:17"));
        // Quarkus' fast-jar: all four parts of target/quarkus-app, and quarkus-run.jar started.
        for (String part : List.of("target/quarkus-app/lib/", "target/quarkus-app/*.jar",
                "target/quarkus-app/app/", "target/quarkus-app/quarkus/")) {
            assertThat(lines).as("copies %s", part).anyMatch(l -> l.startsWith("COPY ") && l.contains(part));
        }
        assertThat(String.join("\n", lines)).contains("quarkus-run.jar");
        assertThat(lines).as("EXPOSE the DESIGN.md port").contains("EXPOSE " + Expected.PORTS.get(service));
        assertThat(lines).as("runs as a non-root user").anyMatch(l -> l.startsWith("USER ") && !l.equals("USER root") && !l.equals("USER 0"));
        // Inside a container the service must listen beyond 127.0.0.1.
        assertThat(String.join("\n", lines)).contains("quarkus.http.host=0.0.0.0");
    }
}
