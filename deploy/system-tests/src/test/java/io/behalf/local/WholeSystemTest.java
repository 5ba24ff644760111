package io.behalf.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole system as it runs in production: the packaged services as separate JVMs on a real broker and
 * PostgreSQL, started with the local stack's launcher, driven only through topics and HTTP.
 */
class WholeSystemTest {

    private static LocalStack stack;
    private static Ports ports;
    private static PrintStream log;

    @BeforeAll
    static void startTheStack() throws IOException {
        Path root = Path.of(System.getProperty("behalf.root", "../..")).toAbsolutePath().normalize();
        // a fresh broker, database and stand-ins every run: the story assumes nothing happened before it
        Path data = Path.of("target", "stack-" + System.currentTimeMillis()).toAbsolutePath();
        Files.createDirectories(data);
        log = new PrintStream(new FileOutputStream(data.resolve("stack.log").toFile()), true, StandardCharsets.UTF_8);
        ports = Ports.free();
        stack = new LocalStack(root, data, ports, log);
        stack.start();
    }

    @AfterAll
    static void stopTheStack() {
        if (stack != null) {
            stack.close();
        }
        if (log != null) {
            log.close();
        }
    }

    @Test
    void theSampleStoryPlaysEndToEndAndTheAuditChainHoldsIt() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        List<String> timeline;
        try (Scenario scenario = new Scenario(stack.keys(), ports, stack.bootstrapServers(),
                new PrintStream(printed, true, StandardCharsets.UTF_8))) {
            scenario.play();
            timeline = scenario.timeline;
        } finally {
            System.out.println(printed.toString(StandardCharsets.UTF_8));
        }
        assertThat(String.join("\n", timeline))
                .contains("Replying in this ticket stating you provide permission will be sufficient.")
                .contains("-> ignored")
                .contains("granted")
                .contains("allowed=true")
                .contains("johndoe@example.com -> johndoe+release@example.com")
                .contains("downloaded data must be deleted by")
                .contains("consents of the ticket ended (TICKET_SOLVED)")
                .contains("impersonation confirmed by Slack user")
                .contains("escalated to the security channel")
                .contains("audit chain verified: ok=true");
    }
}
