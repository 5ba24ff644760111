package io.behalf.audit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.behalf.audit.chain.CanonicalJson;
import io.behalf.audit.chain.ChainAppender;
import io.behalf.audit.chain.NewRecord;
import io.behalf.audit.checkpoint.CheckpointWriter;
import io.behalf.audit.verify.OfflineVerifier;
import io.behalf.events.EventJson;
import io.behalf.testing.BehalfTestInfrastructure;
import io.behalf.testing.Tokens;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** GET /audit/export of 100k records in bounded memory, and the offline verifier on what it wrote. */
@QuarkusTest
@WithTestResource(value = BehalfTestInfrastructure.class, scope = TestResourceScope.GLOBAL)
class AuditStreamingExportTest {

    static final int RECORDS = 100_000;
    static final int BATCH = 5_000;
    static final long MB = 1024 * 1024;

    @Inject
    ChainAppender appender;
    @Inject
    CheckpointWriter checkpoints;
    @TestHTTPResource("/audit/export")
    URL export;

    @Test
    void anExportOf100kRecordsStreamsInBoundedMemoryAndVerifiesOffline() throws Exception {
        long before = AuditDb.count("select coalesce(max(seq), 0) from audit_record where chain = 0");
        String ticket = "EXPORT-" + UUID.randomUUID();
        long started = System.nanoTime();
        for (int from = 0; from < RECORDS; from += BATCH) {
            List<NewRecord> batch = bulk(ticket, from, BATCH);
            QuarkusTransaction.requiringNew().run(() -> appender.append(batch));
        }
        System.out.printf("appended %d records in %d ms through ChainAppender (batches of %d)%n", RECORDS,
                (System.nanoTime() - started) / 1_000_000, BATCH);
        checkpoints.write().orElseThrow();

        // Bound: the heap in use (after a full GC) while 100k records (~100 MB of JSON) stream through this JVM,
        // which runs both the service and this reader. A service that loaded the result set or built the body in
        // memory would hold at least the whole export at the first sample.
        long baseline = usedHeapAfterGc();
        long peak = baseline;
        long lines = 0;
        long bytes = 0;
        long lastSeq = before;
        Deque<String> tail = new ArrayDeque<>();
        Path file = Path.of("target", "audit-export.jsonl");
        HttpResponse<InputStream> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(export.toString() + "?after=" + before))
                .header("Authorization", Tokens.bearer("audrey", "auditor")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(
                v -> assertThat(v).startsWith("application/jsonl"));
        assertThat(response.headers().firstValue("content-length")).as("streamed, not sized up front").isEmpty();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
                Writer out = Files.newBufferedWriter(file)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                lines++;
                bytes += line.length() + 1;
                out.write(line);
                out.write('\n');
                long seq = seqOf(line);
                assertThat(seq).isEqualTo(lastSeq + 1);
                lastSeq = seq;
                tail.addLast(line);
                if (tail.size() > 200) {
                    tail.removeFirst();
                }
                if (lines % 20_000 == 0) {
                    peak = Math.max(peak, usedHeapAfterGc());
                }
            }
        }
        System.out.printf("exported %d lines, %d MB; heap after GC: baseline %d MB, peak %d MB%n", lines,
                bytes / MB, baseline / MB, peak / MB);
        assertThat(lines).isGreaterThanOrEqualTo(RECORDS);
        assertThat(bytes).isGreaterThan(80 * MB);
        assertThat(peak - baseline).as("heap growth while streaming").isLessThan(48 * MB);
        assertThat(AuditDb.count("select count(*) from audit_record where ticket_id = ?", ticket)).isEqualTo(RECORDS);

        Path checkpointsFile = Path.of("target", "audit-checkpoints.json");
        Files.writeString(checkpointsFile, given().header("Authorization", Tokens.bearer("audrey", "auditor"))
                .queryParam("limit", 1000).get("/audit/checkpoints").then().statusCode(200).extract().asString());
        assertThat(offline(file, checkpointsFile)).isZero();

        // the last 200 lines alone still verify against the signed head; one edited line does not
        Path recent = Files.write(Path.of("target", "audit-export-tail.jsonl"), tail);
        assertThat(offline(recent, checkpointsFile)).isZero();
        List<String> edited = new ArrayList<>(tail);
        ObjectNode record = (ObjectNode) EventJson.MAPPER.readTree(edited.get(100));
        record.put("actor", "mallory");
        edited.set(100, EventJson.MAPPER.writeValueAsString(record));
        Path tampered = Files.write(Path.of("target", "audit-export-tampered.jsonl"), edited);
        assertThat(offline(tampered, checkpointsFile)).isEqualTo(1);
    }

    private static int offline(Path export, Path checkpoints) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = OfflineVerifier.run(new String[] {export.toString(), checkpoints.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        System.out.println("offline verifier on " + export.getFileName() + ": " + out.toString(StandardCharsets.UTF_8).strip());
        return exit;
    }

    private static long usedHeapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static List<NewRecord> bulk(String ticket, int from, int count) {
        String body = "x".repeat(600);
        List<NewRecord> batch = new ArrayList<>(count);
        for (int i = from; i < from + count; i++) {
            ObjectNode data = CanonicalJson.object().put("ticketId", ticket).put("commentId", "c-" + i)
                    .put("body", body).put("public", false);
            batch.add(new NewRecord(ticket, UUID.randomUUID().toString(), "behalf.ticket.comment-added",
                    "/behalf/test-bulk", ticket, ticket, "4711", Instant.now(), data, List.of(),
                    new NewRecord.Delivery("1.0", "application/json", ticket, "ticket.events", 0, i)));
        }
        return batch;
    }

    /** Cheaper than parsing 100k lines: the export writes "seq" as a plain number. */
    private static long seqOf(String line) {
        int start = line.indexOf("\"seq\":") + 6;
        int end = start;
        while (Character.isDigit(line.charAt(end))) {
            end++;
        }
        return Long.parseLong(line.substring(start, end));
    }
}
