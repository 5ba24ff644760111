package io.behalf.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The reduced fault suite (each fault once, 100 poison records) on a stack of its own: the services as separate
 * JVMs, killed with SIGKILL, the broker and the database restarted under them. The full run is
 * {@code ./behalf faults}.
 */
class FaultSuiteTest {

    @Test
    void nothingIsLostOrDuplicatedUnderKillsRestartsPoisonHostileCallsAndReplay() throws Exception {
        Path root = Path.of(System.getProperty("behalf.root", "../..")).toAbsolutePath().normalize();
        Path data = Path.of("target", "faults-" + System.currentTimeMillis()).toAbsolutePath();
        Files.createDirectories(data);
        FaultSuite suite;
        try (PrintStream log = new PrintStream(new FileOutputStream(data.resolve("stack.log").toFile()), true, StandardCharsets.UTF_8);
                LocalStack stack = new LocalStack(root, data, Ports.free(), log)) {
            stack.serviceSettings(FaultSuite.serviceSettings());
            stack.start();
            suite = new FaultSuite(stack, FaultSuite.Plan.REDUCED, System.out);
            suite.run();
        }
        String table = suite.table();
        System.out.println(table);
        assertThat(suite.rows).as(table).hasSize(11);
        for (FaultSuite.Row row : suite.rows) {
            assertThat(row.lost).as("lost in: " + row.fault + "\n" + table).isZero();
            assertThat(row.duplicated).as("duplicated in: " + row.fault + "\n" + table).isZero();
            assertThat(row.seen).as("effects seen in: " + row.fault).isEqualTo(row.expected);
        }
        FaultSuite.Row poison = suite.rows.stream().filter(r -> r.fault.contains("poison")).findFirst().orElseThrow();
        // 100 records over 4 topics, each read by 2 or 3 services
        assertThat(poison.deadLettered).isEqualTo(225);
        suite.rows.stream().filter(r -> r.fault.startsWith("SIGKILL") || r.fault.contains("stopped"))
                .forEach(r -> assertThat(r.deadLettered).as("good records dead-lettered in: " + r.fault).isZero());
    }
}
